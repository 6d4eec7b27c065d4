//! Bounds-checked little-endian reads from untrusted byte slices.
//!
//! Every range is computed with checked arithmetic against the real length
//! (`off <= len && n <= len - off`); nothing here can panic or wrap.

/// `data[off..off + n]`, or `None` when the range is not wholly inside `data`.
#[inline]
pub fn range(data: &[u8], off: u64, n: u64) -> Option<&[u8]> {
    let len = data.len() as u64;
    if off > len || n > len - off {
        return None;
    }
    // Both fit in usize because they are bounded by `data.len()`.
    data.get(off as usize..(off + n) as usize)
}

#[inline]
pub fn array<const N: usize>(data: &[u8], off: u64) -> Option<[u8; N]> {
    range(data, off, N as u64).and_then(|s| s.try_into().ok())
}

#[inline]
pub fn u16_at(data: &[u8], off: u64) -> Option<u16> {
    array(data, off).map(u16::from_le_bytes)
}

#[inline]
pub fn u32_at(data: &[u8], off: u64) -> Option<u32> {
    array(data, off).map(u32::from_le_bytes)
}

#[inline]
pub fn u64_at(data: &[u8], off: u64) -> Option<u64> {
    array(data, off).map(u64::from_le_bytes)
}

#[inline]
pub fn f64_at(data: &[u8], off: u64) -> Option<f64> {
    array(data, off).map(f64::from_le_bytes)
}

/// Round `x` up to a multiple of 64, or `None` on overflow.
#[inline]
pub fn align64(x: u64) -> Option<u64> {
    x.checked_add(63).map(|v| v & !63)
}

/// A forward cursor over a byte slice for decoding variable-length payloads.
pub struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Cursor { data, pos: 0 }
    }
    pub fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.data.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    pub fn peek_u32(&self) -> Option<u32> {
        u32_at(self.data, self.pos as u64)
    }
    pub fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|s| s[0])
    }
    pub fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|s| u16::from_le_bytes([s[0], s[1]]))
    }
    pub fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .and_then(|s| s.try_into().ok())
            .map(u32::from_le_bytes)
    }
    pub fn u64(&mut self) -> Option<u64> {
        self.take(8)
            .and_then(|s| s.try_into().ok())
            .map(u64::from_le_bytes)
    }
}
