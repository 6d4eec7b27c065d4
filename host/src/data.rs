//! Which data segments a run reads, and their checks (docs/FORMAT.md,
//! "Which data a run reads"):
//!
//! - **Vectors**: every VEC segment of the directory, in directory order,
//!   forms one logical vector set (as the published runtime's query treats
//!   them): an appended segment's rows follow the earlier ones, so row `i`
//!   of the set is what `--query-index i` and a k-NN hit index name. All
//!   must share one dimension.
//! - **Matrix**: a file may hold several SPARSE segments. A method that
//!   needs a matrix uses the one named by its directory index
//!   (`--data N`); with none named it uses the only one, and refuses
//!   (naming them) when there are several. Nothing is picked silently.
//!
//! Data segments are served to the sandbox straight from the file. A data
//! segment's hash is checked before the first bulk read of any of its
//! arrays (global methods, k-NN); `verify_data` checks hashes and structure
//! of every bound segment up front.

use alloc::vec::Vec;
use core::fmt;
use loader::hash::HashStatus;
use loader::sparse_seg::{SparseArray, SparseMatrix};
use loader::vec_seg::VectorSegment;
use loader::RvfFile;
use rvf_spec::abi::array;
use rvf_spec::format::{seg, segment_type_name};
use rvf_spec::source::ArraySource;

/// Why the data of a run could not be bound or checked.
#[derive(Clone, Debug, PartialEq)]
pub enum DataError {
    /// `--data N` names no segment, or one that is not a SPARSE matrix.
    NotAMatrix { index: usize, found: Option<u8> },
    /// The method needs a matrix and the file has several: one must be named.
    ManyMatrices { segments: Vec<usize> },
    /// VEC segments of different dimensions cannot form one vector set.
    VectorDims {
        first: (usize, u16),
        other: (usize, u16),
    },
    /// More vectors than a u32 row index can name.
    TooManyVectors { count: u64 },
    /// A data segment failed a check.
    Segment { index: usize, fault: SegmentFault },
    /// Under the trust policy: a data segment no trusted key signed.
    Untrusted {
        index: usize,
        signer: crate::trust::Signer,
    },
}

/// What is wrong with one data segment.
#[derive(Clone, Debug, PartialEq)]
pub enum SegmentFault {
    /// Its content hash does not verify (or uses an algorithm we refuse).
    Hash(HashStatus),
    /// Its content hash is unset: nothing can be verified (refused unless
    /// the host allows unhashed data).
    Unhashed,
    /// It does not decode or validate.
    Payload(loader::Error),
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::NotAMatrix { index, found: None } => {
                write!(f, "--data {index}: the file has no segment {index}")
            }
            DataError::NotAMatrix {
                index,
                found: Some(t),
            } => write!(
                f,
                "--data {index}: segment {index} is a {} segment, not a SPARSE matrix",
                segment_type_name(*t)
            ),
            DataError::ManyMatrices { segments } => {
                f.write_str("the file holds several matrices (SPARSE segments")?;
                for s in segments {
                    write!(f, " {s}")?;
                }
                f.write_str("): choose one with --data N")
            }
            DataError::VectorDims { first, other } => write!(
                f,
                "VEC segments {} (dimension {}) and {} (dimension {}) cannot form one vector set",
                first.0, first.1, other.0, other.1
            ),
            DataError::TooManyVectors { count } => write!(
                f,
                "the VEC segments hold {count} vectors, more than a u32 row index can name"
            ),
            DataError::Segment {
                index,
                fault: SegmentFault::Hash(h),
            } => write!(f, "data segment {index}: content hash {}", h.label()),
            DataError::Segment {
                index,
                fault: SegmentFault::Payload(e),
            } => write!(f, "data segment {index}: {e}"),
            DataError::Untrusted { index, signer } => write!(
                f,
                "data segment {index} is not signed by a trusted key ({signer}); sign it (rvf-pack sign --all) or accept unsigned data with --trust-code-only"
            ),
            DataError::Segment {
                index,
                fault: SegmentFault::Unhashed,
            } => write!(
                f,
                "data segment {index}: content hash not set, so nothing can be verified (--allow-unhashed accepts it)"
            ),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for DataError {}

/// The file's vectors as one set.
#[derive(Clone, Debug, Default)]
pub struct VectorSet<'a> {
    /// (directory index, segment), in directory order.
    pub segments: Vec<(usize, VectorSegment<'a>)>,
    pieces: Vec<&'a [u8]>,
    pub dim: u16,
    pub count: u64,
}

impl<'a> VectorSet<'a> {
    /// Values of row `i` of the set (rows of later segments follow earlier ones).
    pub fn values(&self, i: u64) -> Option<impl Iterator<Item = f32> + 'a> {
        let mut base = 0u64;
        for (_, v) in &self.segments {
            if i < base + v.count as u64 {
                return v.values((i - base) as u32);
            }
            base += v.count as u64;
        }
        None
    }
}

/// The data segments one run reads.
#[derive(Clone, Debug, Default)]
pub struct DataBinding<'a> {
    /// The matrix: (directory index, view), when the run uses one.
    pub sparse: Option<(usize, SparseMatrix<'a>)>,
    pub vectors: VectorSet<'a>,
}

/// Which matrix to bind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatrixChoice {
    /// The method reads no matrix (k-NN): none is bound.
    None,
    /// The only SPARSE segment; an error when there are several.
    Only,
    /// The SPARSE segment at this directory index.
    Index(usize),
}

fn payload_fault(index: usize) -> impl Fn(loader::Error) -> DataError {
    move |e| DataError::Segment {
        index,
        fault: SegmentFault::Payload(e),
    }
}

/// Locate (O(1) per segment) the data segments a run reads.
pub fn bind<'a>(file: &RvfFile<'a>, matrix: MatrixChoice) -> Result<DataBinding<'a>, DataError> {
    let dir = file.directory();
    let sparse_idx = match matrix {
        MatrixChoice::None => None,
        MatrixChoice::Index(i) => match dir.get(i) {
            Some(e) if e.seg_type == seg::SPARSE => Some(i),
            found => {
                return Err(DataError::NotAMatrix {
                    index: i,
                    found: found.map(|e| e.seg_type),
                })
            }
        },
        MatrixChoice::Only => {
            let all: Vec<usize> = (0..dir.len())
                .filter(|&i| dir[i].seg_type == seg::SPARSE)
                .collect();
            if all.len() > 1 {
                return Err(DataError::ManyMatrices { segments: all });
            }
            all.first().copied()
        }
    };
    let mut d = DataBinding::default();
    if let Some(i) = sparse_idx {
        let s = file.segment(i).map_err(payload_fault(i))?;
        d.sparse = Some((i, SparseMatrix::parse(s.payload).map_err(payload_fault(i))?));
    }
    for (i, e) in dir.iter().enumerate() {
        if e.seg_type != seg::VEC {
            continue;
        }
        let s = file.segment(i).map_err(payload_fault(i))?;
        let v = VectorSegment::parse(s.payload).map_err(payload_fault(i))?;
        if let Some(&(first, f)) = d.vectors.segments.first() {
            if f.dim != v.dim {
                return Err(DataError::VectorDims {
                    first: (first, f.dim),
                    other: (i, v.dim),
                });
            }
        }
        d.vectors.dim = v.dim;
        d.vectors.count += v.count as u64;
        d.vectors.pieces.push(v.row_bytes());
        d.vectors.segments.push((i, v));
    }
    if d.vectors.count > u32::MAX as u64 {
        return Err(DataError::TooManyVectors {
            count: d.vectors.count,
        });
    }
    Ok(d)
}

/// The ABI array id each array of a sparse segment is served as. The
/// segment's layout order and the ABI's numbering are separate facts,
/// mapped here one by one.
pub fn abi_array(a: SparseArray) -> u32 {
    match a {
        SparseArray::RowPtr => array::ROW_PTR,
        SparseArray::ColIdx => array::COL_IDX,
        SparseArray::Values => array::VALUES,
        SparseArray::Rhs => array::RHS,
        SparseArray::TColPtr => array::T_COL_PTR,
        SparseArray::TRowIdx => array::T_ROW_IDX,
        SparseArray::TValues => array::T_VALUES,
    }
}

impl<'a> DataBinding<'a> {
    /// The arrays the sandbox serves.
    pub fn source(&self) -> ArraySource<'_> {
        let mut src = ArraySource::empty();
        if let Some((_, m)) = &self.sparse {
            for a in SparseArray::ALL {
                if let Some(slot) = src.sparse.get_mut(abi_array(a) as usize) {
                    *slot = m.array_bytes(a);
                }
            }
            src.rows = m.header.rows as i64;
            src.cols = m.header.cols as i64;
            src.nnz = m.header.nnz as i64;
        }
        if !self.vectors.segments.is_empty() {
            src.vectors = &self.vectors.pieces;
            src.vec_dim = self.vectors.dim as i64;
            src.vec_count = self.vectors.count as i64;
        }
        src
    }

    /// Directory indices of the segments behind an ABI array id.
    pub fn segments_of(&self, array_id: u32) -> Vec<usize> {
        if array_id == array::VECTORS {
            self.vectors.segments.iter().map(|(i, _)| *i).collect()
        } else {
            self.sparse.iter().map(|(i, _)| *i).collect()
        }
    }

    /// Every bound segment, matrix first.
    pub fn indices(&self) -> Vec<usize> {
        let mut v = self.segments_of(array::ROW_PTR);
        v.extend(self.segments_of(array::VECTORS));
        v
    }
}

/// Check a data segment's content hash: a mismatch refuses; an unset hash
/// refuses unless `allow_unhashed` (it verifies nothing).
pub fn check_segment(
    file: &RvfFile<'_>,
    index: usize,
    allow_unhashed: bool,
) -> Result<(), DataError> {
    let s = file.segment(index).map_err(payload_fault(index))?;
    let fault = match s.hash_status() {
        h @ (HashStatus::Mismatch | HashStatus::UnsupportedAlgo(_)) => SegmentFault::Hash(h),
        HashStatus::NotSet if !allow_unhashed => SegmentFault::Unhashed,
        _ => return Ok(()),
    };
    Err(DataError::Segment { index, fault })
}

/// Verify every bound data segment up front: hashes and the full structural check.
pub fn verify(
    file: &RvfFile<'_>,
    d: &DataBinding<'_>,
    allow_unhashed: bool,
) -> Result<(), DataError> {
    if let Some((i, m)) = &d.sparse {
        check_segment(file, *i, allow_unhashed)?;
        m.validate().map_err(payload_fault(*i))?;
    }
    for (i, _) in &d.vectors.segments {
        check_segment(file, *i, allow_unhashed)?;
    }
    Ok(())
}

/// Under `policy`, check that a trusted key signed data segment `index`.
/// The signature covers the segment's header (its content hash) and the
/// payload's SHAKE-256/128: for SHAKE-256 content hashes that digest is
/// the stored hash itself, so no pass over the data is made here (the data
/// is checked against that hash before bulk reads and with --verify-data);
/// other hashes need one SHAKE-256 pass.
pub fn check_signed(
    file: &RvfFile<'_>,
    index: usize,
    policy: &crate::trust::TrustPolicy,
) -> Result<(), DataError> {
    let s = file.segment(index).map_err(payload_fault(index))?;
    let digest = if s.header.checksum_algo == rvf_spec::format::algo::SHAKE256_128 {
        s.header.content_hash
    } else {
        loader::signature::payload_digest(s.payload)
    };
    let signer = policy.signer_of(file.bytes(), file.body_end(), &s, &digest);
    if signer.key().is_some() {
        Ok(())
    } else {
        Err(DataError::Untrusted { index, signer })
    }
}

/// Which data segments of one open file have passed their hash check, for
/// a host that runs many queries over the same open file: each segment is
/// then hashed before its first bulk read in the session instead of in
/// every run. The memo remembers the bytes it was used with and starts
/// afresh if handed another file.
#[derive(Clone, Debug, Default)]
pub struct VerifiedData {
    file: Option<(usize, usize)>,
    segments: Vec<usize>,
}

impl VerifiedData {
    pub(crate) fn for_file(&mut self, file: &RvfFile<'_>) -> &mut Vec<usize> {
        let id = (file.bytes().as_ptr() as usize, file.bytes().len());
        if self.file != Some(id) {
            self.file = Some(id);
            self.segments.clear();
        }
        &mut self.segments
    }
}
