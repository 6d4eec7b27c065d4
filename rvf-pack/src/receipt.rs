//! Run receipts (JSON, schema `rvf-boot/receipt` version 1): everything an
//! archivist needs to show, years later, that *this* file's solver with
//! *these* parameters produced *these* bits — and the comparison `replay`
//! makes. The authoritative fields are exact (digests, hex-encoded params
//! and report); the readable copies are for people.

use loader::hash::shake256;
use loader::runtime::{abi, engine, Limits, RunOutput, Selection};
use loader::wasm_seg::{features_to_string, role_name, target_name};
use loader::RvfFile;
use serde::{Deserialize, Serialize};

pub const SCHEMA: &str = "rvf-boot/receipt";
pub const VERSION: u32 = 1;

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
    /// Unix seconds, only with `--timestamp` (clamped to SOURCE_DATE_EPOCH).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_unix: Option<u64>,
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

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

impl Receipt {
    pub fn parse(bytes: &[u8]) -> Result<Receipt, String> {
        let r: Receipt =
            serde_json::from_slice(bytes).map_err(|e| format!("not a receipt: {e}"))?;
        if r.schema != SCHEMA {
            return Err(format!("schema is '{}', expected '{SCHEMA}'", r.schema));
        }
        if r.version != VERSION {
            return Err(format!(
                "receipt version {} is not supported (this tool reads {VERSION})",
                r.version
            ));
        }
        Ok(r)
    }

    /// Canonical bytes (what a witness entry hashes).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }

    /// Compare the recorded file with the bytes replayed against. RVF files
    /// are append-only: a file whose first `length` bytes still hash to the
    /// recorded digest (e.g. one that gained witness entries since) holds
    /// exactly the data and code of the recorded run; `extended` says so.
    pub fn file_diff(&self, bytes: &[u8]) -> (Vec<String>, bool) {
        let len = self.file.length;
        let whole = hex(&shake256::<32>(bytes));
        if whole == self.file.digest && bytes.len() as u64 == len {
            return (Vec::new(), false);
        }
        let prefix_ok = (bytes.len() as u64) > len
            && usize::try_from(len)
                .ok()
                .and_then(|l| bytes.get(..l))
                .map(|p| hex(&shake256::<32>(p)))
                == Some(self.file.digest.clone());
        if prefix_ok {
            return (Vec::new(), true);
        }
        (
            vec![
                format!("file digest: receipt {}, replay {whole}", self.file.digest),
                format!("file length: receipt {len}, replay {}", bytes.len()),
            ],
            false,
        )
    }

    /// Everything that differs between the recorded run and a new one
    /// (segment / engine / params / outputs; the file is compared by
    /// `file_diff`). Empty = identical.
    pub fn diff(&self, now: &Receipt) -> Vec<String> {
        let mut d = Vec::new();
        let mut cmp = |what: &str, a: String, b: String| {
            if a != b {
                d.push(format!("{what}: receipt {a}, replay {b}"));
            }
        };
        let (a, b) = (&self.selection.chosen, &now.selection.chosen);
        cmp(
            "segment",
            format!("{} (features {:#x})", a.index, a.required_features),
            format!("{} (features {:#x})", b.index, b.required_features),
        );
        cmp(
            "segment bytecode hash",
            a.bytecode_hash.clone(),
            b.bytecode_hash.clone(),
        );
        cmp(
            "host features",
            self.selection.host_features_names.clone(),
            now.selection.host_features_names.clone(),
        );
        cmp(
            "engine",
            format!("{} {}", self.engine.name, self.engine.version),
            format!("{} {}", now.engine.name, now.engine.version),
        );
        cmp(
            "engine cargo features",
            self.engine.cargo_features.join(","),
            now.engine.cargo_features.join(","),
        );
        cmp(
            "engine compilation",
            self.engine.compilation.clone(),
            now.engine.compilation.clone(),
        );
        cmp(
            "engine determinism",
            self.engine.deterministic.to_string(),
            now.engine.deterministic.to_string(),
        );
        cmp(
            "params",
            self.params.params_hex.clone(),
            now.params.params_hex.clone(),
        );
        cmp(
            "input",
            self.params.input_hex.clone(),
            now.params.input_hex.clone(),
        );
        cmp(
            "status",
            self.result.status.to_string(),
            now.result.status.to_string(),
        );
        cmp(
            "output digest",
            self.result.output_digest.clone(),
            now.result.output_digest.clone(),
        );
        cmp(
            "report",
            self.result.report_hex.clone(),
            now.result.report_hex.clone(),
        );
        cmp(
            "fuel used",
            self.result.fuel_used.to_string(),
            now.result.fuel_used.to_string(),
        );
        d
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

/// Everything about a finished run that goes into a receipt.
pub struct RunContext<'a> {
    pub path: &'a str,
    pub file: &'a RvfFile<'a>,
    pub selection: &'a Selection,
    pub mask: Option<String>,
    pub limits: &'a Limits,
    pub params: &'a abi::Params,
    pub input: &'a [u8],
    pub verify_data: bool,
    pub output: &'a RunOutput,
}

/// Build the receipt of a run (no timestamp).
pub fn build(c: &RunContext<'_>) -> Receipt {
    let chosen = c.selection.chosen().expect("a run has a chosen segment");
    let h = chosen.header.expect("a chosen segment has a header");
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
    let p = c.params;
    let r = c.output.report;
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
            host_features: c.selection.host_features,
            host_features_names: features_to_string(c.selection.host_features),
            mask: c.mask.clone(),
            forced_segment: if c.selection.forced {
                Some(chosen.index)
            } else {
                None
            },
            chosen: ChosenSegment {
                index: chosen.index,
                offset: chosen.offset,
                role: role_name(h.role).into(),
                target: target_name(h.target).into(),
                required_features: h.required_features,
                bootstrap_priority: h.bootstrap_priority,
                bytecode_size: h.bytecode_size,
                bytecode_hash: hex(&h.bytecode_hash),
                content_hash: seg_hash,
            },
            candidates: c
                .selection
                .candidates
                .iter()
                .enumerate()
                .map(|(i, cand)| CandidateRecord {
                    index: cand.index,
                    offset: cand.offset,
                    verdict: c.selection.verdict(i),
                })
                .collect(),
        },
        params: ParamsRecord {
            method: abi::method::name(p.method).into(),
            params_hex: hex(&abi::Params {
                input_ptr: 0,
                input_len: 0,
                ..*p
            }
            .encode()),
            input_hex: hex(c.input),
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
            output_digest: hex(&shake256::<32>(&c.output.output)),
            output_bytes: c.output.output.len() as u64,
            report_hex: hex(&r.encode()),
            iterations: r.iterations,
            residual: r.residual,
            estimate: r.estimate,
            work: r.work,
            converged: r.converged == 1,
            result_count: r.result_count,
            fuel_used: c.output.fuel_used,
        },
        timestamp_unix: None,
    }
}

impl ParamsRecord {
    /// The exact ABI params recorded.
    pub fn decode(&self) -> Option<abi::Params> {
        abi::Params::decode(&unhex(&self.params_hex)?)
    }
}
