//! What the firmware needs from the debugger (QEMU with `-semihosting-config
//! enable=on,target=native`): console output, the command line, reading a
//! file from the host's working directory, and exiting with a status.
//! Operation numbers are from the Arm semihosting specification, which the
//! RISC-V semihosting specification adopts.

use crate::platform::semihost;
use alloc::vec::Vec;
use core::fmt;

const SYS_OPEN: usize = 0x01;
const SYS_CLOSE: usize = 0x02;
const SYS_WRITE: usize = 0x05;
const SYS_READ: usize = 0x06;
const SYS_FLEN: usize = 0x0C;
const SYS_GET_CMDLINE: usize = 0x15;
const SYS_EXIT_EXTENDED: usize = 0x20;
const ADP_STOPPED_APPLICATION_EXIT: usize = 0x20026;
const MODE_READ_BINARY: usize = 1;
const MODE_WRITE: usize = 4;

/// Open a NUL-terminated path; `None` on failure.
fn open(path_nul: &[u8], mode: usize) -> Option<usize> {
    let block = [path_nul.as_ptr() as usize, mode, path_nul.len() - 1];
    let h = semihost(SYS_OPEN, block.as_ptr() as usize) as isize;
    (h >= 0).then_some(h as usize)
}

fn close(handle: usize) {
    let block = [handle];
    semihost(SYS_CLOSE, block.as_ptr() as usize);
}

/// The console (`:tt` opened for writing), with a line buffer so that each
/// line is one semihosting call.
pub struct Console {
    buf: [u8; 256],
    len: usize,
}

static mut STDOUT: usize = usize::MAX;

impl Console {
    pub const fn new() -> Self {
        Console {
            buf: [0; 256],
            len: 0,
        }
    }
    fn handle() -> usize {
        // SAFETY: single-threaded firmware; no interrupts touch it.
        unsafe {
            if STDOUT == usize::MAX {
                STDOUT = open(b":tt\0", MODE_WRITE).unwrap_or(1);
            }
            STDOUT
        }
    }
    pub fn flush(&mut self) {
        if self.len > 0 {
            let block = [Self::handle(), self.buf.as_ptr() as usize, self.len];
            semihost(SYS_WRITE, block.as_ptr() as usize);
            self.len = 0;
        }
    }
}

impl fmt::Write for Console {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if self.len == self.buf.len() {
                self.flush();
            }
            self.buf[self.len] = b;
            self.len += 1;
            if b == b'\n' {
                self.flush();
            }
        }
        Ok(())
    }
}

/// `println!` over semihosting.
#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        let mut c = $crate::semihost::Console::new();
        let _ = writeln!(c, $($arg)*);
        c.flush();
    }};
}

/// The command line QEMU passes (`-append`, after the kernel's file name),
/// split at spaces.
pub fn cmdline(buf: &mut [u8]) -> &str {
    let mut block = [buf.as_mut_ptr() as usize, buf.len()];
    if semihost(SYS_GET_CMDLINE, block.as_mut_ptr() as usize) != 0 {
        return "";
    }
    let n = block[1].min(buf.len());
    let s = &buf[..n];
    let s = &s[..s.iter().position(|&b| b == 0).unwrap_or(s.len())];
    core::str::from_utf8(s).unwrap_or("")
}

/// Read a whole file from the host into the heap.
#[cfg_attr(feature = "embed", allow(dead_code))]
pub fn read_file(path: &str) -> Result<Vec<u8>, &'static str> {
    let mut p = Vec::with_capacity(path.len() + 1);
    p.extend_from_slice(path.as_bytes());
    p.push(0);
    let h = open(&p, MODE_READ_BINARY).ok_or("cannot open the file (semihosting SYS_OPEN)")?;
    drop(p);
    let block = [h];
    let len = semihost(SYS_FLEN, block.as_ptr() as usize) as isize;
    if len < 0 {
        close(h);
        return Err("cannot size the file (SYS_FLEN)");
    }
    let mut data = Vec::new();
    if data.try_reserve_exact(len as usize).is_err() {
        close(h);
        return Err("the file does not fit in the heap");
    }
    data.resize(len as usize, 0);
    let mut done = 0;
    while done < data.len() {
        let want = data.len() - done;
        let block = [h, data[done..].as_mut_ptr() as usize, want];
        let not_read = semihost(SYS_READ, block.as_ptr() as usize);
        if not_read >= want {
            close(h);
            return Err("short read (SYS_READ)");
        }
        done += want - not_read;
    }
    close(h);
    Ok(data)
}

/// End the QEMU session with an exit status.
pub fn exit(code: u32) -> ! {
    let block = [ADP_STOPPED_APPLICATION_EXIT, code as usize];
    semihost(SYS_EXIT_EXTENDED, block.as_ptr() as usize);
    loop {
        core::hint::spin_loop();
    }
}
