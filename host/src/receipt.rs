//! Run receipts (JSON, schema `rvf-boot/receipt` version 1): everything an
//! archivist needs to show, years later, that *this* file's solver with
//! *these* parameters produced *these* bits — and the comparison `replay`
//! makes. The authoritative fields are exact (digests, hex-encoded params
//! and report); the readable copies are for people.

use crate::session::Outcome;
use interpreter::{engine, Limits};
use loader::hash::shake256;
use loader::RvfFile;
use rvf_spec::abi;
use rvf_spec::format::{role_name, target_name, Features};
use rvf_spec::hex::{decode as unhex, encode as hex};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::string::{String, ToString};
use std::vec::Vec;

/// The schema name and version (one owner: `rvf_spec::receipt`).
pub use rvf_spec::receipt::{SCHEMA, VERSION};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub schema: String,
    pub version: u32,
    pub rvf_pack_version: String,
    pub file: FileRecord,
    pub selection: SelectionRecord,
    pub params: ParamsRecord,
    pub engine: EngineRecord,
    pub result: ResultRecord,
    /// The data segments the run read (absent in receipts written before
    /// files could hold several matrices: replay then uses the only one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<DataRecord>,
    /// Unix seconds, only with `--timestamp` (clamped to SOURCE_DATE_EPOCH).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_unix: Option<u64>,
    /// The receipt's signature, when signed (last, over everything above).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<ReceiptSignature>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileRecord {
    pub path: String,
    pub length: u64,
    /// SHAKE-256 (32 bytes, hex) over the whole file.
    pub digest: String,
    pub manifest_offset: u64,
    pub manifest_epoch: u32,
    /// SHAKE-256 (32 bytes, hex) over the manifest payload.
    pub manifest_digest: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SelectionRecord {
    /// Host features after the mask (bits and names).
    pub host_features: u16,
    pub host_features_names: String,
    /// The user's mask as given (`--host-features`), if any.
    pub mask: Option<String>,
    pub forced_segment: Option<usize>,
    pub chosen: ChosenSegment,
    pub candidates: Vec<CandidateRecord>,
    /// What ran the kernel: `"direct"` (this host's sandbox) or
    /// `"interpreter"` (the file's interpreter segment, inside the sandbox).
    /// Absent means direct (receipts written before routes were recorded;
    /// direct receipts still omit it, so their bytes are unchanged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// The interpreter segment that ran the kernel (`via: "interpreter"` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpreter: Option<InterpreterRecord>,
}

/// What ran a kernel (`--via`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// The host's own sandbox.
    Direct,
    /// The file's interpreter segment, itself run in the host's sandbox.
    Interpreter,
}

impl Route {
    pub fn name(self) -> &'static str {
        match self {
            Route::Direct => "direct",
            Route::Interpreter => "interpreter",
        }
    }
    pub fn parse(s: &str) -> Option<Route> {
        match s {
            "direct" => Some(Route::Direct),
            "interpreter" => Some(Route::Interpreter),
            _ => None,
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The verdict a receipt records for the interpreter segment that ran the
/// kernel (its role is not runnable as a solver; it ran one).
pub const INTERPRETER_VERDICT: &str = "the interpreter that ran the kernel";

/// The file's interpreter segment a two-stage run went through: the code
/// that produced the outputs, with the kernel it ran.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterpreterRecord {
    pub index: usize,
    pub offset: u64,
    pub bootstrap_priority: u8,
    pub bytecode_size: u32,
    /// SHAKE-256 (32 bytes, hex) of the interpreter's bytecode.
    pub bytecode_hash: String,
    pub content_hash: String,
    /// The features it runs kernels with (`rvfi_features`), bits and names.
    pub features: u16,
    pub features_names: String,
    /// The trusted key that signed it (under a trust policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<SignerRecord>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChosenSegment {
    pub index: usize,
    pub offset: u64,
    pub role: String,
    pub target: String,
    pub required_features: u16,
    pub bootstrap_priority: u8,
    pub bytecode_size: u32,
    pub bytecode_hash: String,
    pub content_hash: String,
    /// The trusted key that signed the code that ran (under a trust policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<SignerRecord>,
}

/// A key, by name and id (first 8 bytes of SHA-256 of the public key, hex).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignerRecord {
    pub key_id: String,
    pub key_name: String,
}

/// A receipt's own signature (`run --sign-receipt KEY`): Ed25519 over the
/// receipt's canonical bytes with this field absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptSignature {
    pub algorithm: String,
    pub key_id: String,
    /// The public key (hex), so anyone can check the signature; whether the
    /// key is trusted is the verifier's policy.
    pub public_key: String,
    pub signature: String,
}

/// What a receipt's signature says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReceiptSigner {
    Unsigned,
    /// Verified under the key it names, which the policy trusts (or there is no policy).
    Verified {
        key_id: String,
        trusted_as: Option<String>,
    },
    /// Verified, but the policy does not trust the key.
    Untrusted {
        key_id: String,
    },
    /// The signature does not verify, or its fields are malformed.
    Invalid(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateRecord {
    pub index: usize,
    pub offset: u64,
    pub verdict: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParamsRecord {
    pub method: String,
    /// The exact 128-byte ABI params struct (authoritative), hex.
    pub params_hex: String,
    /// The exact input bytes (k-NN query), hex.
    pub input_hex: String,
    pub verify_data: bool,
    pub tol: f64,
    pub max_iter: u32,
    pub flags: u32,
    pub alpha: f64,
    pub epsilon: f64,
    pub seed: u64,
    pub source: u32,
    pub target: u32,
    pub k: u32,
    pub metric: u32,
    pub work_budget: u64,
    pub num_walks: u32,
    pub min_margin: f64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineRecord {
    pub name: String,
    pub version: String,
    pub cargo_features: Vec<String>,
    pub compilation: String,
    pub fuel_metering: bool,
    pub deterministic: bool,
    pub fuel_limit: u64,
    pub max_memory_bytes: u64,
    pub max_recursion: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataRecord {
    /// Directory index of the matrix, if the method used one.
    pub matrix: Option<usize>,
    /// Directory indices of the VEC segments read, in set order.
    pub vectors: Vec<usize>,
}

impl fmt::Display for DataRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.matrix {
            Some(m) => write!(f, "matrix segment {m}")?,
            None => f.write_str("no matrix")?,
        }
        write!(f, ", vector segments {:?}", self.vectors)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultRecord {
    pub status: i32,
    pub status_message: String,
    /// SHAKE-256 (32 bytes, hex) of the exact result bytes.
    pub output_digest: String,
    pub output_bytes: u64,
    /// The exact 64-byte ABI report (authoritative), hex.
    pub report_hex: String,
    pub iterations: u64,
    pub residual: f64,
    pub estimate: f64,
    pub work: u64,
    pub converged: bool,
    pub result_count: u32,
    pub fuel_used: u64,
}

/// Why bytes are not a receipt this tool reads.
#[derive(Debug)]
pub enum ReceiptError {
    /// Not JSON of the receipt's shape (serde's message names the field).
    Json(serde_json::Error),
    Schema(String),
    Version(u32),
}

impl fmt::Display for ReceiptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReceiptError::Json(e) => write!(f, "not a receipt: {e}"),
            ReceiptError::Schema(s) => write!(f, "schema is '{s}', expected '{SCHEMA}'"),
            ReceiptError::Version(v) => write!(
                f,
                "receipt version {v} is not supported (this tool reads {VERSION})"
            ),
        }
    }
}

impl std::error::Error for ReceiptError {}

impl Receipt {
    pub fn parse(bytes: &[u8]) -> Result<Receipt, ReceiptError> {
        let r: Receipt = serde_json::from_slice(bytes).map_err(ReceiptError::Json)?;
        if r.schema != SCHEMA {
            return Err(ReceiptError::Schema(r.schema));
        }
        if r.version != VERSION {
            return Err(ReceiptError::Version(r.version));
        }
        Ok(r)
    }

    /// Canonical bytes (what a witness entry hashes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }

    /// What a receipt signature covers: the canonical bytes without it.
    pub fn signed_bytes(&self) -> Vec<u8> {
        Receipt {
            signature: None,
            ..self.clone()
        }
        .to_bytes()
    }

    /// Sign the receipt with `sign` (an Ed25519 signer for `public_key`).
    pub fn sign(&mut self, public_key: &[u8; 32], sign: impl FnOnce(&[u8]) -> [u8; 64]) {
        let signature = sign(&self.signed_bytes());
        self.signature = Some(ReceiptSignature {
            algorithm: "ed25519".into(),
            key_id: hex(&loader::signature::key_id(public_key)),
            public_key: hex(public_key),
            signature: hex(&signature),
        });
    }

    /// Check the receipt's signature, and its key against `policy`.
    pub fn signer(&self, policy: Option<&crate::trust::TrustPolicy>) -> ReceiptSigner {
        let Some(s) = &self.signature else {
            return ReceiptSigner::Unsigned;
        };
        let bad = |w: &str| ReceiptSigner::Invalid(w.into());
        if s.algorithm != "ed25519" {
            return bad("unknown signature algorithm");
        }
        let Some(pk) = unhex(&s.public_key).and_then(|b| <[u8; 32]>::try_from(b).ok()) else {
            return bad("public_key is not 32 bytes of hex");
        };
        let Some(sig) = unhex(&s.signature).and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
            return bad("signature is not 64 bytes of hex");
        };
        let key_id = hex(&loader::signature::key_id(&pk));
        if key_id != s.key_id {
            return bad("key_id is not the id of public_key");
        }
        if let Err(e) = loader::signature::verify(&pk, &self.signed_bytes(), &sig) {
            return ReceiptSigner::Invalid(e.to_string());
        }
        match policy {
            None => ReceiptSigner::Verified {
                key_id,
                trusted_as: None,
            },
            Some(p) => match p.keys.iter().find(|k| k.public_key == pk) {
                Some(k) => ReceiptSigner::Verified {
                    key_id,
                    trusted_as: Some(k.name.clone()),
                },
                None => ReceiptSigner::Untrusted { key_id },
            },
        }
    }
}

/// Unix seconds now, clamped to `SOURCE_DATE_EPOCH` when set.
pub fn timestamp_now() -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    match std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
    {
        Some(sde) => now.min(sde),
        None => now,
    }
}

/// Where a run happened: what a receipt records beside the outcome.
pub struct RunContext<'a> {
    /// The path as the user gave it.
    pub path: &'a str,
    pub file: &'a RvfFile<'a>,
    /// The user's host-feature mask as given (`--host-features`), if any.
    pub mask: Option<String>,
    pub limits: &'a Limits,
    pub verify_data: bool,
    /// The trust policy of the run (names the interpreter's signer).
    pub policy: Option<&'a crate::trust::TrustPolicy>,
}

/// The interpreter segment a two-stage run used, as a receipt records it.
fn interpreter_record(c: &RunContext<'_>, index: usize, features: u16) -> InterpreterRecord {
    let seg = c.file.segment(index).ok();
    let header = seg
        .as_ref()
        .and_then(|s| loader::wasm_seg::WasmSegment::parse(s.payload).ok())
        .map(|w| w.header);
    let signer = seg.as_ref().and_then(|s| {
        let digest = loader::signature::payload_digest(s.payload);
        crate::trust::signer_of(c.policy, c.file.bytes(), c.file.body_end(), s, &digest)
            .key()
            .map(|k| SignerRecord {
                key_id: hex(&k.id),
                key_name: k.name.clone(),
            })
    });
    InterpreterRecord {
        index,
        offset: c.file.directory().get(index).map_or(0, |e| e.offset),
        bootstrap_priority: header.map_or(0, |h| h.bootstrap_priority),
        bytecode_size: header.map_or(0, |h| h.bytecode_size),
        bytecode_hash: header.map(|h| hex(&h.bytecode_hash)).unwrap_or_default(),
        content_hash: seg
            .as_ref()
            .map(|s| hex(&s.header.content_hash))
            .unwrap_or_default(),
        features,
        features_names: Features(features).to_string(),
        signer,
    }
}

/// Build the receipt of a run (no timestamp).
pub fn build(c: &RunContext<'_>, out: &Outcome) -> Receipt {
    let chosen = out.chosen();
    let seg_hash = c
        .file
        .segment(chosen.index)
        .map(|s| hex(&s.header.content_hash))
        .unwrap_or_default();
    let m = c.file.manifest();
    let manifest_digest = c
        .file
        .manifest_segment()
        .map(|s| hex(&shake256::<32>(s.payload)))
        .unwrap_or_default();
    let p = &out.params;
    let r = out.report;
    let h = out.header;
    let interp = match &out.selection.via {
        Some(crate::select::Via::Interpreter { index, features }) => {
            Some(interpreter_record(c, *index, *features))
        }
        _ => None,
    };
    Receipt {
        schema: SCHEMA.into(),
        version: VERSION,
        rvf_pack_version: env!("CARGO_PKG_VERSION").into(),
        file: FileRecord {
            path: c.path.into(),
            length: c.file.len(),
            digest: hex(&shake256::<32>(c.file.bytes())),
            manifest_offset: m.offset,
            manifest_epoch: m.manifest.epoch,
            manifest_digest,
        },
        selection: SelectionRecord {
            host_features: out.selection.host_features,
            host_features_names: Features(out.selection.host_features).to_string(),
            mask: c.mask.clone(),
            forced_segment: out.selection.forced,
            chosen: ChosenSegment {
                index: chosen.index,
                offset: chosen.offset,
                role: role_name(h.role).to_string(),
                target: target_name(h.target).to_string(),
                required_features: h.required_features,
                bootstrap_priority: h.bootstrap_priority,
                bytecode_size: h.bytecode_size,
                bytecode_hash: hex(&h.bytecode_hash),
                content_hash: seg_hash,
                signer: chosen.signer.key().map(|k| SignerRecord {
                    key_id: hex(&k.id),
                    key_name: k.name.clone(),
                }),
            },
            candidates: out
                .selection
                .candidates
                .iter()
                .enumerate()
                .map(|(i, cand)| CandidateRecord {
                    index: cand.index,
                    offset: cand.offset,
                    verdict: match &interp {
                        Some(ir) if ir.index == cand.index => INTERPRETER_VERDICT.to_string(),
                        _ => out.selection.verdict(i).to_string(),
                    },
                })
                .collect(),
            via: interp.as_ref().map(|_| Route::Interpreter.name().into()),
            interpreter: interp.clone(),
        },
        params: ParamsRecord {
            method: abi::method::name(p.method).into(),
            params_hex: hex(&abi::Params {
                input_ptr: 0,
                input_len: 0,
                ..*p
            }
            .encode()),
            input_hex: hex(&out.input),
            verify_data: c.verify_data,
            tol: p.tol,
            max_iter: p.max_iter,
            flags: p.flags,
            alpha: p.alpha,
            epsilon: p.epsilon,
            seed: p.seed,
            source: p.source,
            target: p.target,
            k: p.k,
            metric: p.metric,
            work_budget: p.work_budget,
            num_walks: p.num_walks,
            min_margin: p.min_margin,
        },
        engine: EngineRecord {
            name: engine::NAME.into(),
            version: engine::VERSION.into(),
            cargo_features: engine::cargo_features()
                .into_iter()
                .map(String::from)
                .collect(),
            compilation: engine::COMPILATION.into(),
            fuel_metering: engine::FUEL_METERING,
            deterministic: engine::DETERMINISTIC,
            fuel_limit: c.limits.fuel,
            max_memory_bytes: c.limits.max_memory_bytes,
            max_recursion: c.limits.max_recursion,
        },
        result: ResultRecord {
            status: r.status,
            status_message: abi::status::message(r.status).into(),
            output_digest: hex(&out.digest()),
            output_bytes: out.output.len() as u64,
            report_hex: hex(&r.encode()),
            iterations: r.iterations,
            residual: r.residual,
            estimate: r.estimate,
            work: r.work,
            converged: r.converged == 1,
            result_count: r.result_count,
            fuel_used: out.fuel_used,
        },
        data: Some(DataRecord {
            matrix: out.data.matrix,
            vectors: out.data.vectors.clone(),
        }),
        timestamp_unix: None,
        signature: None,
    }
}

impl Receipt {
    /// The route the receipt records (absent: direct). `None` when the
    /// field names no route this host knows (`contradictions` says so).
    pub fn route(&self) -> Option<Route> {
        self.selection
            .via
            .as_deref()
            .map_or(Some(Route::Direct), Route::parse)
    }
}

impl ParamsRecord {
    /// The exact ABI params recorded.
    pub fn decode(&self) -> Option<abi::Params> {
        abi::Params::decode(&unhex(&self.params_hex)?)
    }
}
