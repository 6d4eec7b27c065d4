//! Judging a receipt: against itself (every readable field must say what
//! its exact record says), against the file it is replayed on (the
//! recorded one, or an append to it), and against a new run.

use crate::receipt::{Receipt, Route};
use loader::hash::shake256;
use rvf_spec::abi;
use rvf_spec::format::Features;
use rvf_spec::hex::{decode as unhex, encode as hex};
use std::format;
use std::string::{String, ToString};
use std::vec;
use std::vec::Vec;

impl Receipt {
    /// Where the receipt contradicts itself: each readable field must say
    /// what its authoritative record (the hex params and report, the bit
    /// masks) says. An edited readable field is a forged receipt.
    pub fn contradictions(&self) -> Vec<String> {
        let mut c = Vec::new();
        match self.params.decode() {
            None => c.push("params_hex is not a valid params struct".into()),
            Some(p) => {
                let r = &self.params;
                check(
                    &mut c,
                    "params.method",
                    r.method.clone(),
                    abi::method::name(p.method).into(),
                );
                check(&mut c, "params.tol", r.tol.to_string(), p.tol.to_string());
                check(
                    &mut c,
                    "params.max_iter",
                    r.max_iter.to_string(),
                    p.max_iter.to_string(),
                );
                check(
                    &mut c,
                    "params.flags",
                    r.flags.to_string(),
                    p.flags.to_string(),
                );
                check(
                    &mut c,
                    "params.alpha",
                    r.alpha.to_string(),
                    p.alpha.to_string(),
                );
                check(
                    &mut c,
                    "params.epsilon",
                    r.epsilon.to_string(),
                    p.epsilon.to_string(),
                );
                check(
                    &mut c,
                    "params.seed",
                    r.seed.to_string(),
                    p.seed.to_string(),
                );
                check(
                    &mut c,
                    "params.source",
                    r.source.to_string(),
                    p.source.to_string(),
                );
                check(
                    &mut c,
                    "params.target",
                    r.target.to_string(),
                    p.target.to_string(),
                );
                check(&mut c, "params.k", r.k.to_string(), p.k.to_string());
                check(
                    &mut c,
                    "params.metric",
                    r.metric.to_string(),
                    p.metric.to_string(),
                );
                check(
                    &mut c,
                    "params.work_budget",
                    r.work_budget.to_string(),
                    p.work_budget.to_string(),
                );
                check(
                    &mut c,
                    "params.num_walks",
                    r.num_walks.to_string(),
                    p.num_walks.to_string(),
                );
                check(
                    &mut c,
                    "params.min_margin",
                    r.min_margin.to_string(),
                    p.min_margin.to_string(),
                );
                if p.input_ptr != 0 || p.input_len != 0 {
                    c.push("params_hex carries an input pointer (it must be zero)".into());
                }
            }
        }
        if unhex(&self.params.input_hex).is_none() {
            c.push("params.input_hex is not hex".into());
        }
        match unhex(&self.result.report_hex)
            .as_deref()
            .and_then(abi::Report::decode)
        {
            None => c.push("result.report_hex is not a valid report".into()),
            Some(r) => {
                let x = &self.result;
                check(
                    &mut c,
                    "result.status",
                    x.status.to_string(),
                    r.status.to_string(),
                );
                check(
                    &mut c,
                    "result.status_message",
                    x.status_message.clone(),
                    abi::status::message(r.status).into(),
                );
                check(
                    &mut c,
                    "result.iterations",
                    x.iterations.to_string(),
                    r.iterations.to_string(),
                );
                check(
                    &mut c,
                    "result.residual",
                    x.residual.to_string(),
                    r.residual.to_string(),
                );
                check(
                    &mut c,
                    "result.estimate",
                    x.estimate.to_string(),
                    r.estimate.to_string(),
                );
                check(
                    &mut c,
                    "result.work",
                    x.work.to_string(),
                    r.work.to_string(),
                );
                check(
                    &mut c,
                    "result.converged",
                    x.converged.to_string(),
                    (r.converged == 1).to_string(),
                );
                check(
                    &mut c,
                    "result.result_count",
                    x.result_count.to_string(),
                    r.result_count.to_string(),
                );
                let elem = rvf_spec::results::element_len(r.result_kind).unwrap_or(0) as u64;
                if x.output_bytes != r.result_count as u64 * elem && x.output_bytes != 0 {
                    c.push(format!(
                        "result.output_bytes says {}, the report's {} results of {elem} bytes make {}",
                        x.output_bytes,
                        r.result_count,
                        r.result_count as u64 * elem
                    ));
                }
                if let Some(p) = self.params.decode() {
                    check(
                        &mut c,
                        "report method",
                        abi::method::name(r.method).into(),
                        abi::method::name(p.method).into(),
                    );
                }
            }
        }
        let s = &self.selection;
        check(
            &mut c,
            "selection.host_features_names",
            s.host_features_names.clone(),
            Features(s.host_features).to_string(),
        );
        let h = &s.chosen;
        if unhex(&h.bytecode_hash).is_none_or(|b| b.len() != 32) {
            c.push("selection.chosen.bytecode_hash is not 32 bytes of hex".into());
        }
        match (self.route(), &s.interpreter) {
            (None, _) => c.push(format!(
                "selection.via says {}, which is no route (direct or interpreter)",
                s.via.as_deref().unwrap_or("")
            )),
            (Some(Route::Direct), Some(_)) => {
                c.push("selection.interpreter is set, but the route is direct".into())
            }
            (Some(Route::Interpreter), None) => c.push(
                "selection.via is interpreter, but no interpreter segment is recorded".into(),
            ),
            (Some(Route::Interpreter), Some(i)) => {
                if unhex(&i.bytecode_hash).is_none_or(|b| b.len() != 32) {
                    c.push("selection.interpreter.bytecode_hash is not 32 bytes of hex".into());
                }
                check(
                    &mut c,
                    "selection.interpreter.features_names",
                    i.features_names.clone(),
                    Features(i.features).to_string(),
                );
                if i.index == h.index {
                    c.push("selection.interpreter is the chosen kernel segment".into());
                }
            }
            (Some(Route::Direct), None) => {}
        }
        for (what, v) in [
            ("file.digest", &self.file.digest),
            ("file.manifest_digest", &self.file.manifest_digest),
            ("result.output_digest", &self.result.output_digest),
        ] {
            if unhex(v).is_none_or(|b| b.len() != 32) {
                c.push(format!("{what} is not 32 bytes of hex"));
            }
        }
        c
    }

    /// Compare the recorded file with the bytes replayed against. RVF files
    /// are append-only: a file whose first `length` bytes still hash to the
    /// recorded digest (e.g. one that gained witness entries since) holds
    /// exactly the data and code of the recorded run; `extended` says so.
    /// That prefix must hold what the run used: the recorded manifest (at
    /// its offset, with its digest) and the chosen segment, so a receipt
    /// cannot claim an empty or partial prefix of some other file.
    pub fn file_diff(&self, bytes: &[u8]) -> (Vec<String>, bool) {
        let len = self.file.length;
        let whole = hex(&shake256::<32>(bytes));
        let mismatch = || {
            vec![
                format!("file digest: receipt {}, replay {whole}", self.file.digest),
                format!("file length: receipt {len}, replay {}", bytes.len()),
            ]
        };
        if whole == self.file.digest && bytes.len() as u64 == len {
            return (Vec::new(), false);
        }
        let prefix_ok = (bytes.len() as u64) > len
            && usize::try_from(len)
                .ok()
                .and_then(|l| bytes.get(..l))
                .map(|p| hex(&shake256::<32>(p)))
                == Some(self.file.digest.clone());
        if !prefix_ok {
            return (mismatch(), false);
        }
        // The recorded manifest must lie inside the prefix, be a segment
        // there, and hash as recorded; so must the chosen segment.
        let prefix = &bytes[..len as usize];
        let manifest = loader::container::segment_at(prefix, self.file.manifest_offset, len);
        let manifest_ok = manifest.is_ok_and(|m| {
            m.header.seg_type == rvf_spec::format::seg::MANIFEST
                && hex(&shake256::<32>(m.payload)) == self.file.manifest_digest
        });
        let chosen = &self.selection.chosen;
        let wasm_at = |offset: u64| {
            loader::container::segment_at(prefix, offset, len)
                .is_ok_and(|s| s.header.seg_type == rvf_spec::format::seg::WASM)
        };
        // The interpreter that ran the kernel must lie in the prefix too.
        let chosen_ok = wasm_at(chosen.offset)
            && self
                .selection
                .interpreter
                .as_ref()
                .is_none_or(|i| wasm_at(i.offset));
        if !manifest_ok || !chosen_ok {
            let mut d = mismatch();
            d.push(format!(
                "file prefix: the receipt's first {len} bytes do not hold its manifest (offset {}) and chosen segment (offset {})",
                self.file.manifest_offset, chosen.offset
            ));
            return (d, false);
        }
        (Vec::new(), true)
    }

    /// Everything that differs between the recorded run and a new one
    /// (route / segment / engine / params / outputs; the file is compared
    /// by `file_diff`). Empty = identical.
    pub fn diff(&self, now: &Receipt) -> Vec<String> {
        let mut d = self.route_diff(now);
        d.extend(self.diff_but_route(now));
        d
    }

    /// How the route differs: what ran the kernel (direct, or which
    /// interpreter segment: index, offset, bytecode, features, signer).
    pub fn route_diff(&self, now: &Receipt) -> Vec<String> {
        let mut d = Vec::new();
        let mut cmp = |what: &str, a: String, b: String| {
            if a != b {
                d.push(format!("{what}: receipt {a}, replay {b}"));
            }
        };
        let route = |r: &Receipt| match (&r.selection.interpreter, r.route()) {
            (Some(i), Some(Route::Interpreter)) => format!("interpreter (segment {})", i.index),
            (_, Some(route)) => route.to_string(),
            (_, None) => r.selection.via.clone().unwrap_or_default(),
        };
        let (ra, rb) = (route(self), route(now));
        if ra != rb && self.route() != now.route() {
            cmp("route", ra, rb);
            return d;
        }
        if let (Some(a), Some(b)) = (&self.selection.interpreter, &now.selection.interpreter) {
            cmp_code(
                &mut cmp,
                "interpreter signer",
                &interpreter_fields(a),
                &interpreter_fields(b),
                &a.signer,
                &b.signer,
            );
        }
        d
    }

    /// Everything `diff` compares but the route. The verdicts on the
    /// interpreter segments either run used are left to `route_diff`.
    pub fn diff_but_route(&self, now: &Receipt) -> Vec<String> {
        let mut d = Vec::new();
        let mut cmp = |what: &str, a: String, b: String| {
            if a != b {
                d.push(format!("{what}: receipt {a}, replay {b}"));
            }
        };
        let (a, b) = (&self.selection.chosen, &now.selection.chosen);
        cmp_code(
            &mut cmp,
            "code signer",
            &chosen_fields(a),
            &chosen_fields(b),
            &a.signer,
            &b.signer,
        );
        cmp(
            "host features",
            self.selection.host_features_names.clone(),
            now.selection.host_features_names.clone(),
        );
        let forced = |f: Option<usize>| f.map_or("none".to_string(), |i| i.to_string());
        cmp(
            "forced segment",
            forced(self.selection.forced_segment),
            forced(now.selection.forced_segment),
        );
        let interpreters: Vec<usize> = [self, now]
            .iter()
            .filter_map(|r| r.selection.interpreter.as_ref().map(|i| i.index))
            .collect();
        let verdicts = |r: &Receipt| {
            r.selection
                .candidates
                .iter()
                .filter(|c| !interpreters.contains(&c.index))
                .map(|c| format!("{}@{}: {}", c.index, c.offset, c.verdict))
                .collect::<Vec<_>>()
                .join("; ")
        };
        cmp("candidates", verdicts(self), verdicts(now));
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
            "engine fuel metering",
            self.engine.fuel_metering.to_string(),
            now.engine.fuel_metering.to_string(),
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
            "verify data",
            self.params.verify_data.to_string(),
            now.params.verify_data.to_string(),
        );
        if let Some(data) = &self.data {
            cmp(
                "data",
                data.to_string(),
                now.data.as_ref().unwrap_or(data).to_string(),
            );
        }
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
            "output bytes",
            self.result.output_bytes.to_string(),
            now.result.output_bytes.to_string(),
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

/// The fields of the code segment that ran, in the order `diff` reports them.
fn chosen_fields(s: &crate::receipt::ChosenSegment) -> Vec<(&'static str, String)> {
    vec![
        (
            "segment",
            format!("{} (features {:#x})", s.index, s.required_features),
        ),
        ("segment offset", s.offset.to_string()),
        ("segment role", s.role.clone()),
        ("segment target", s.target.clone()),
        ("segment priority", s.bootstrap_priority.to_string()),
        ("segment bytecode size", s.bytecode_size.to_string()),
        ("segment bytecode hash", s.bytecode_hash.clone()),
        ("segment content hash", s.content_hash.clone()),
    ]
}

/// The fields of the interpreter segment a two-stage run went through.
fn interpreter_fields(i: &crate::receipt::InterpreterRecord) -> Vec<(&'static str, String)> {
    vec![
        ("interpreter segment", i.index.to_string()),
        ("interpreter offset", i.offset.to_string()),
        ("interpreter priority", i.bootstrap_priority.to_string()),
        ("interpreter bytecode size", i.bytecode_size.to_string()),
        ("interpreter bytecode hash", i.bytecode_hash.clone()),
        ("interpreter content hash", i.content_hash.clone()),
        ("interpreter features", i.features_names.clone()),
    ]
}

/// Compares two records of a code segment field by field, then their
/// signers (under `signer_what`) when either names one.
fn cmp_code(
    cmp: &mut impl FnMut(&str, String, String),
    signer_what: &str,
    a: &[(&'static str, String)],
    b: &[(&'static str, String)],
    sa: &Option<crate::receipt::SignerRecord>,
    sb: &Option<crate::receipt::SignerRecord>,
) {
    for ((what, x), (_, y)) in a.iter().zip(b) {
        cmp(what, x.clone(), y.clone());
    }
    let signer = |s: &Option<crate::receipt::SignerRecord>| {
        s.as_ref()
            .map_or("unsigned or unchecked".to_string(), |s| s.key_id.clone())
    };
    if sa.is_some() || sb.is_some() {
        cmp(signer_what, signer(sa), signer(sb));
    }
}

fn check(c: &mut Vec<String>, what: &str, readable: String, exact: String) {
    if readable != exact {
        c.push(format!(
            "{what} says {readable}, its exact record says {exact}"
        ));
    }
}
