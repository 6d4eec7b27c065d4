//! Encoders for the payloads rvf-pack writes: vectors (runtime row layout),
//! WASM segments with a header derived from the module, and RVFMETA.

use crate::error::{PackError, Result};
use crate::inputs::Vectors;
use crate::wasm_info::{self, ModuleInfo};
use loader::hash::shake256;
use loader::meta_seg::{FileMetadataRecord, MetadataSegment, MetadataValue};
use rvf_spec::format::{WasmHeader, WASM_MAGIC};
use std::path::Path;
use std::sync::Arc;

/// Upstream's writer cap for WASM modules.
pub const MAX_WASM_BYTES: usize = 8 << 20;

/// Vectors bound for a VEC_SEG, encoded in the runtime row layout
/// (`dim u16, count u32, count × (id u64, dim × f32)`, ids from `first_id`)
/// a few rows at a time as they are written, so the payload is never held
/// whole beside the vectors.
#[derive(Clone, Debug)]
pub struct VecRows {
    vectors: Arc<Vectors>,
    shape: VecShape,
}

impl VecRows {
    pub fn new(vectors: Arc<Vectors>, first_id: u64) -> Result<Self> {
        let shape = VecShape::check(&vectors, first_id)?;
        Ok(VecRows { vectors, shape })
    }

    /// The payload's length in bytes.
    pub fn byte_len(&self) -> usize {
        self.shape.byte_len()
    }

    /// The payload in pieces of about `piece_bytes` (whole rows; the first
    /// also carries the prefix): `emit` gets `buf` filled with each piece,
    /// in order. `buf` is reused from piece to piece.
    pub fn pieces<E>(
        &self,
        piece_bytes: usize,
        buf: &mut Vec<u8>,
        emit: impl FnMut(&mut Vec<u8>) -> core::result::Result<(), E>,
    ) -> core::result::Result<(), E> {
        self.shape.pieces(&self.vectors, piece_bytes, buf, emit)
    }
}

/// The checked shape of a VEC_SEG payload.
#[derive(Clone, Copy, Debug)]
struct VecShape {
    dim: u16,
    count: u32,
    first_id: u64,
}

impl VecShape {
    /// The dimension must fit the layout's `u16`, the count its `u32`, and
    /// the ids `u64`.
    fn check(v: &Vectors, first_id: u64) -> Result<Self> {
        let dim = u16::try_from(v.dim)
            .map_err(|_| PackError::Usage("vector dimension exceeds 65535".into()))?;
        let count = u32::try_from(v.count())
            .map_err(|_| PackError::Usage("more than 2^32 - 1 vectors".into()))?;
        if first_id.checked_add(u64::from(count)).is_none() {
            return Err(PackError::Usage("vector ids overflow u64".into()));
        }
        // `byte_len` may then compute without overflow.
        (count as usize)
            .checked_mul(8 + 4 * usize::from(dim))
            .and_then(|rows| rows.checked_add(6))
            .ok_or_else(|| {
                PackError::Usage("the vectors exceed this host's address space".into())
            })?;
        Ok(VecShape {
            dim,
            count,
            first_id,
        })
    }

    fn row_bytes(&self) -> usize {
        8 + 4 * usize::from(self.dim)
    }

    /// `dim u16, count u32`, then the rows (`check` ruled out overflow).
    fn byte_len(&self) -> usize {
        6 + self.count as usize * self.row_bytes()
    }

    fn pieces<E>(
        &self,
        v: &Vectors,
        piece_bytes: usize,
        buf: &mut Vec<u8>,
        mut emit: impl FnMut(&mut Vec<u8>) -> core::result::Result<(), E>,
    ) -> core::result::Result<(), E> {
        let rows_per_piece = (piece_bytes / self.row_bytes()).max(1);
        buf.clear();
        buf.extend_from_slice(&self.dim.to_le_bytes());
        buf.extend_from_slice(&self.count.to_le_bytes());
        if self.count > 0 {
            let rows = v.data.chunks_exact(usize::from(self.dim));
            for (row, id) in rows.zip(self.first_id..) {
                buf.extend_from_slice(&id.to_le_bytes());
                if cfg!(target_endian = "little") {
                    buf.extend_from_slice(bytemuck::cast_slice::<f32, u8>(row));
                } else {
                    row.iter()
                        .for_each(|x| buf.extend_from_slice(&x.to_le_bytes()));
                }
                if buf.len() >= rows_per_piece * self.row_bytes() {
                    emit(buf)?;
                    buf.clear();
                }
            }
        }
        if !buf.is_empty() {
            emit(buf)?;
        }
        Ok(())
    }
}

/// A VEC_SEG payload (see [`VecRows`]) whole in memory; ids `first_id..`.
pub fn vec_payload(v: &Vectors, first_id: u64) -> Result<Vec<u8>> {
    let shape = VecShape::check(v, first_id)?;
    let mut out = Vec::with_capacity(shape.byte_len());
    let mut buf = Vec::new();
    shape.pieces(v, 1 << 20, &mut buf, |b| {
        out.extend_from_slice(b);
        Ok::<(), PackError>(())
    })?;
    Ok(out)
}

/// What the user says about a solver module (the rest is derived).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SolverOptions {
    pub role: u8,
    pub target: u8,
    pub priority: u8,
    pub interpreter_type: u8,
    /// Features the user declares; cross-checked against the module.
    pub declared_features: Option<u16>,
    /// How the bytecode is stored: 0 none, 1 LZ4 (block), 2 ZSTD (frame).
    pub compression: u8,
}

/// The ZSTD level modules are compressed at (the decoder's cost does not
/// depend on it; the packer's does, once).
pub const ZSTD_LEVEL: i32 = 19;

/// `bytecode` compressed as `compression` says (1 LZ4 block, 2 ZSTD frame).
pub fn compress(bytecode: &[u8], compression: u8) -> std::result::Result<Vec<u8>, String> {
    match compression {
        1 => Ok(lz4_flex::compress(bytecode)),
        2 => zstd::bulk::compress(bytecode, ZSTD_LEVEL).map_err(|e| format!("ZSTD: {e}")),
        c => Err(format!("compression {c} is not one the packer writes")),
    }
}

/// Build a WASM_SEG payload: a `WasmHeader` derived from the module, then the bytecode.
pub fn wasm_payload(
    path: &Path,
    bytecode: &[u8],
    opts: &SolverOptions,
) -> Result<(WasmHeader, ModuleInfo, Vec<u8>)> {
    let werr = |what: String| PackError::Wasm {
        file: path.to_path_buf(),
        what,
    };
    if bytecode.len() > MAX_WASM_BYTES {
        return Err(werr(format!(
            "module is {} bytes; the limit is {MAX_WASM_BYTES}",
            bytecode.len()
        )));
    }
    let info = wasm_info::analyze(bytecode).map_err(werr)?;
    if let Some(declared) = opts.declared_features {
        if declared != info.required_features {
            return Err(werr(format!(
                "declared features [{}] but the module requires [{}]; the header would lie",
                rvf_spec::format::Features(declared),
                rvf_spec::format::Features(info.required_features)
            )));
        }
    }
    let header = WasmHeader {
        wasm_magic: WASM_MAGIC,
        header_version: 1,
        role: opts.role,
        target: opts.target,
        required_features: info.required_features,
        export_count: info.export_count,
        bytecode_size: bytecode.len() as u32,
        compressed_size: 0,
        compression: opts.compression,
        min_memory_pages: info.min_memory_pages as u8,
        // A maximum beyond what a u8 can state is written as "no limit";
        // the loader then applies its own cap.
        max_memory_pages: info
            .max_memory_pages
            .filter(|&m| m <= u8::MAX as u64)
            .unwrap_or(0) as u8,
        table_count: info.table_count.min(u8::MAX as u32) as u8,
        bytecode_hash: shake256::<32>(bytecode),
        bootstrap_priority: opts.priority,
        interpreter_type: opts.interpreter_type,
        reserved: [0; 6],
    };
    let mut header = header;
    let stored = match opts.compression {
        0 => std::borrow::Cow::Borrowed(bytecode),
        c => {
            let packed = compress(bytecode, c).map_err(werr)?;
            header.compressed_size = packed.len() as u32;
            if bytecode.len() as u64 > loader::wasm_seg::max_expanded(header.compressed_size) {
                return Err(werr(format!(
                    "compresses to {} bytes, more than {} times smaller, which readers refuse as a decompression bomb; store it uncompressed",
                    packed.len(),
                    rvf_spec::wasm_header::MAX_EXPANSION
                )));
            }
            std::borrow::Cow::Owned(packed)
        }
    };
    let mut p = Vec::with_capacity(64 + stored.len());
    p.extend_from_slice(&header.to_bytes());
    p.extend_from_slice(&stored);
    Ok((header, info, p))
}

/// Refuse, before packing, a solver module no host can run: the sandbox's
/// own admission rules (only `rvf` imports with the ABI's signatures, no
/// start function, every ABI export with its type, a memory, the ABI
/// major), under the module's derived features. Roles that are not run as
/// solvers (interpreter, extension, control plane) are not judged.
pub fn check_runnable(path: &Path, header: &WasmHeader, bytecode: &[u8]) -> Result<()> {
    if header.role == rvf_spec::format::WasmRole::Interpreter as u8 {
        // An interpreter must speak the interpreter ABI (docs/ABI.md).
        return rvf_host::interpreter::two_stage::Interpreter::new(
            bytecode,
            rvf_host::interpreter::wasmi::CompilationMode::LazyTranslation,
        )
        .map(|_| ())
        .map_err(|e| PackError::Wasm {
            file: path.to_path_buf(),
            what: format!("not an interpreter module this toolkit can run kernels with: {e} (--force packs it anyway)"),
        });
    }
    if !rvf_spec::format::role_is_runnable(header.role) {
        return Ok(());
    }
    let sandbox = rvf_host::Sandbox::new(header.required_features, rvf_host::Limits::default());
    sandbox.admit(bytecode).map(|_| ()).map_err(|e| PackError::Wasm {
        file: path.to_path_buf(),
        what: format!(
            "no host can run this module as a solver: {e} (the rules are in docs/ABI.md; --force packs it anyway)"
        ),
    })
}

/// What `--labels` labels (`rvf_spec::labels`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelsOf {
    /// Rows of the vector set, starting at this row.
    Vectors { first_row: u64 },
    /// Nodes of the matrix whose SPARSE payload has this SHAKE-256/128.
    Matrix { digest: [u8; 16] },
}

/// The file-metadata entries that store `labels`: consecutive labels
/// joined by line breaks, split so that no entry exceeds RVFMETA's value
/// limit.
pub fn label_entries(of: LabelsOf, labels: &[String]) -> Result<Vec<(String, String)>> {
    use rvf_spec::labels::{self as spec, Target};
    let total: usize = labels.iter().map(|l| l.len() + 1).sum();
    if total > spec::MAX_TOTAL_BYTES {
        return Err(PackError::Usage(format!(
            "--labels: {total} bytes of labels; at most {} MiB can be stored (the published runtime reads at most 256 MiB of metadata)",
            spec::MAX_TOTAL_BYTES >> 20
        )));
    }
    let (digest, base) = match of {
        LabelsOf::Vectors { first_row } => (None, first_row),
        LabelsOf::Matrix { digest } => (Some(rvf_spec::hex::encode(&digest)), 0),
    };
    let target = match &digest {
        None => Target::Vectors,
        Some(d) => Target::Matrix(d),
    };
    let mut entries = Vec::new();
    let mut start = 0;
    while start < labels.len() {
        let (mut end, mut bytes) = (start, 0);
        while end < labels.len() && bytes + labels[end].len() < spec::MAX_ENTRY_BYTES {
            bytes += labels[end].len() + 1;
            end += 1;
        }
        // A label longer than an entry still gets one of its own (the
        // reader bounds it; --labels never makes one).
        end = end.max(start + 1);
        let sep = spec::SEPARATOR.to_string();
        entries.push((
            spec::key(target, base + start as u64),
            labels[start..end].join(&sep),
        ));
        start = end;
    }
    Ok(entries)
}

/// Where a new META segment goes in the file's metadata chain (the
/// published runtime replays a full snapshot, then deltas whose generation
/// is one more than their base's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetaGeneration {
    pub generation: u64,
    /// `None`: a full snapshot; `Some(g)`: a delta on generation `g`.
    pub base: Option<u64>,
}

impl MetaGeneration {
    /// The first snapshot of a new file.
    pub const FIRST: MetaGeneration = MetaGeneration {
        generation: 1,
        base: None,
    };
}

/// META_SEG payload in the RVFMETA encoding: file-level key/value strings,
/// sorted by key (the encoding requires canonical order), as a full
/// snapshot or a delta per `at`. A key given twice is refused: no value is
/// dropped silently.
pub fn meta_payload(pairs: &[(String, String)], at: MetaGeneration) -> Result<Vec<u8>> {
    let mut kv: Vec<(String, String)> = pairs.to_vec();
    kv.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(w) = kv.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(PackError::Usage(format!(
            "--meta {} is given twice ('{}' and '{}'): give each key once",
            w[0].0, w[0].1, w[1].1
        )));
    }
    let seg = MetadataSegment {
        generation: at.generation,
        base_generation: at.base,
        full_snapshot: at.base.is_none(),
        schema: Vec::new(),
        file_metadata: kv
            .into_iter()
            .map(|(key, v)| FileMetadataRecord {
                key,
                value: MetadataValue::String(v),
            })
            .collect(),
        records: Vec::new(),
    };
    seg.encode().map_err(|e| {
        use loader::meta_seg::MetadataDecodeError as E;
        let why = match e {
            E::ResourceLimit => "a key or value is longer than RVFMETA allows",
            E::InvalidUtf8 => "a key or value is not UTF-8",
            E::InvalidOrdering => "keys are not in canonical order",
            _ => "the RVFMETA encoder refused it",
        };
        PackError::Usage(format!("--meta cannot be encoded: {why}"))
    })
}
