//! Every fact of this crate as one JSON document, for hosts that are not
//! written in Rust. The JavaScript host imports it as
//! `web/src/spec.generated.mjs`; a test (`spec/tests/facts.rs`) fails when
//! that file is not exactly what [`javascript_module`] writes, and
//! `RVF_UPDATE_FACTS=1 cargo test -p rvf-spec` rewrites it.

use crate::abi::{self, FieldType, Method, Metric};
use crate::exit::Exit;
use crate::format;
use crate::interp;
use alloc::string::{String, ToString};
use core::fmt::Write;

/// A minimal JSON writer: objects and arrays of numbers, strings, booleans.
struct Json {
    out: String,
    indent: usize,
    first: bool,
}

impl Json {
    fn open(&mut self, key: Option<&str>, bracket: char) {
        self.item(key);
        self.out.push(bracket);
        self.indent += 1;
        self.first = true;
    }
    fn close(&mut self, bracket: char) {
        self.indent -= 1;
        if !self.first {
            self.newline();
        }
        self.out.push(bracket);
        self.first = false;
    }
    fn newline(&mut self) {
        self.out.push('\n');
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
    }
    fn item(&mut self, key: Option<&str>) {
        if !self.first {
            self.out.push(',');
        }
        if self.indent > 0 {
            self.newline();
        }
        self.first = false;
        if let Some(k) = key {
            string(&mut self.out, k);
            self.out.push_str(": ");
        }
    }
    fn str(&mut self, key: Option<&str>, v: &str) {
        self.item(key);
        string(&mut self.out, v);
    }
    fn num(&mut self, key: Option<&str>, v: impl core::fmt::Display) {
        self.item(key);
        let _ = write!(self.out, "{v}");
    }
    fn bool(&mut self, key: Option<&str>, v: bool) {
        self.num(key, v);
    }
    /// A compact `{ "k": v, ... }` on one line, from already-rendered values.
    fn row(&mut self, fields: &[(&str, String)]) {
        self.item(None);
        self.out.push('{');
        for (i, (k, v)) in fields.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            string(&mut self.out, k);
            self.out.push_str(": ");
            self.out.push_str(v);
        }
        self.out.push('}');
    }
}

fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn quoted(s: &str) -> String {
    let mut o = String::new();
    string(&mut o, s);
    o
}

fn fields(j: &mut Json, key: &str, table: &[(&str, usize, FieldType)]) {
    j.open(Some(key), '[');
    for (name, off, t) in table {
        j.row(&[
            ("name", quoted(name)),
            ("offset", off.to_string()),
            ("type", quoted(t.name())),
        ]);
    }
    j.close(']');
}

/// `Params::default()`, field by field: its encoding read back through
/// [`abi::PARAMS_FIELDS`], so the values are the codec's own.
fn params_defaults(j: &mut Json) {
    let b = abi::Params::default().encode();
    let word = |off: usize, n: usize| {
        let mut w = [0u8; 8];
        w[..n].copy_from_slice(&b[off..off + n]);
        u64::from_le_bytes(w)
    };
    j.open(Some("params_defaults"), '{');
    for (name, off, t) in abi::PARAMS_FIELDS {
        let v = word(off, t.size());
        match t {
            FieldType::F64 => j.num(Some(name), f64::from_bits(v)),
            FieldType::I32 => j.num(Some(name), v as u32 as i32),
            // u64 defaults are exact JSON numbers (a test keeps them below 2^53).
            FieldType::U32 | FieldType::U64 => j.num(Some(name), v),
        }
    }
    j.close('}');
}

/// A flat object of numbers.
fn numbers(j: &mut Json, key: &str, items: &[(&str, u64)]) {
    j.open(Some(key), '{');
    for (k, v) in items {
        j.num(Some(k), v);
    }
    j.close('}');
}

/// An array of strings.
fn strings(j: &mut Json, key: &str, items: &[&str]) {
    j.open(Some(key), '[');
    for s in items {
        j.str(None, s);
    }
    j.close(']');
}

/// Rows of (name, params, results), the value types by name.
fn signatures(j: &mut Json, key: &str, table: &[(&str, &[interp::ValType], &[interp::ValType])]) {
    let types = |ts: &[interp::ValType]| {
        let mut s = String::from("[");
        for (i, t) in ts.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            s.push_str(&quoted(t.name()));
        }
        s.push(']');
        s
    };
    j.open(Some(key), '[');
    for (name, params, results) in table {
        j.row(&[
            ("name", quoted(name)),
            ("params", types(params)),
            ("results", types(results)),
        ]);
    }
    j.close(']');
}

/// The names of the feature bits set in `bits`, in bit order.
fn feature_names(j: &mut Json, key: &str, bits: u16) {
    j.open(Some(key), '[');
    for (bit, name) in format::FEATURES {
        if bits & bit != 0 {
            j.str(None, name);
        }
    }
    j.close(']');
}

/// The byte layouts of the file format.
fn layouts(j: &mut Json) {
    use crate::{manifest as m, meta, segment, sparse, vectors, wasm_header as w};
    let n = |x: usize| x as u64;
    j.open(Some("layouts"), '{');

    j.open(Some("segment_header"), '{');
    for (name, off) in segment::FIELDS {
        j.num(Some(name), off);
    }
    j.num(Some("content_hash_len"), segment::CONTENT_HASH_LEN);
    j.close('}');

    j.open(Some("manifest"), '{');
    j.num(Some("fixed_len"), m::FIXED_LEN);
    for (k, v) in [
        ("epoch", m::at::EPOCH),
        ("dimension", m::at::DIMENSION),
        ("total_vectors", m::at::TOTAL_VECTORS),
        ("seg_count", m::at::SEG_COUNT),
        ("profile_id", m::at::PROFILE_ID),
        ("metric_id", m::at::METRIC_ID),
    ] {
        j.num(Some(k), v);
    }
    j.num(Some("dir_entry_len"), m::DIR_ENTRY_LEN);
    numbers(
        j,
        "entry",
        &[
            ("segment_id", n(m::entry::SEGMENT_ID)),
            ("offset", n(m::entry::OFFSET)),
            ("payload_length", n(m::entry::PAYLOAD_LENGTH)),
            ("seg_type", n(m::entry::SEG_TYPE)),
        ],
    );
    j.num(Some("deleted_id_len"), m::DELETED_ID_LEN);
    j.num(Some("fidi_marker"), m::FIDI_MARKER);
    j.num(Some("file_identity_len"), m::FILE_IDENTITY_LEN);
    j.num(Some("shdg_marker"), m::SHDG_MARKER);
    j.num(Some("shdg_entry_len"), m::SHDG_ENTRY_LEN);
    j.close('}');

    numbers(
        j,
        "scan",
        &[
            ("heavy_payload", m::scan::HEAVY_PAYLOAD),
            ("max_heavy_attempts", m::scan::MAX_HEAVY_ATTEMPTS.into()),
            ("budget_bytes", m::scan::BUDGET_BYTES),
            ("byte_scan_window", m::scan::BYTE_SCAN_WINDOW),
        ],
    );

    j.open(Some("wasm_header"), '{');
    j.num(Some("len"), w::LEN);
    for (name, off) in w::FIELDS {
        j.num(Some(name), off);
    }
    j.num(Some("bytecode_hash_len"), w::BYTECODE_HASH_LEN);
    j.num(Some("version"), w::VERSION);
    j.num(Some("max_decompressed"), w::MAX_DECOMPRESSED);
    j.num(Some("max_expansion"), w::MAX_EXPANSION);
    j.num(Some("min_expanded_cap"), w::MIN_EXPANDED_CAP);
    j.close('}');

    j.open(Some("sparse"), '{');
    j.num(Some("header_len"), sparse::HEADER_LEN);
    j.str(
        Some("magic"),
        core::str::from_utf8(&sparse::MAGIC).unwrap_or_default(),
    );
    j.num(Some("version"), sparse::VERSION);
    j.num(Some("value_f64"), sparse::VALUE_F64);
    j.num(Some("index_u32"), sparse::INDEX_U32);
    numbers(
        j,
        "at",
        &[
            ("version", n(sparse::at::VERSION)),
            ("value_type", n(sparse::at::VALUE_TYPE)),
            ("index_type", n(sparse::at::INDEX_TYPE)),
            ("rows", n(sparse::at::ROWS)),
            ("cols", n(sparse::at::COLS)),
            ("nnz", n(sparse::at::NNZ)),
            ("flags", n(sparse::at::FLAGS)),
            ("reserved", n(sparse::at::RESERVED)),
            ("dominance_margin", n(sparse::at::DOMINANCE_MARGIN)),
            ("reserved_tail", n(sparse::at::RESERVED_TAIL)),
        ],
    );
    numbers(
        j,
        "flags",
        &[
            ("symmetric", sparse::flags::SYMMETRIC.into()),
            ("has_transpose", sparse::flags::HAS_TRANSPOSE.into()),
            ("has_rhs", sparse::flags::HAS_RHS.into()),
            ("dominance_known", sparse::flags::DOMINANCE_KNOWN.into()),
            ("known", sparse::flags::KNOWN.into()),
        ],
    );
    j.open(Some("arrays"), '[');
    for (name, _) in sparse::ARRAYS {
        j.str(None, name);
    }
    j.close(']');
    j.close('}');

    numbers(
        j,
        "vec",
        &[
            ("header_len", n(vectors::HEADER_LEN)),
            ("dim", n(vectors::at::DIM)),
            ("count", n(vectors::at::COUNT)),
            ("id_len", n(vectors::ID_LEN)),
            ("value_len", n(vectors::VALUE_LEN)),
        ],
    );

    j.open(Some("meta"), '{');
    let text = |b: &'static [u8]| core::str::from_utf8(b).unwrap_or_default();
    j.str(Some("magic"), text(meta::META_MAGIC));
    j.str(Some("done_magic"), text(meta::META_COMPLETE_MAGIC));
    j.num(Some("footer_len"), meta::META_COMPLETION_FOOTER_SIZE);
    j.num(Some("version"), meta::META_VERSION);
    j.num(Some("full_snapshot"), meta::META_FLAG_FULL_SNAPSHOT);
    j.num(Some("max_fields"), meta::MAX_META_FIELDS);
    j.num(Some("max_records"), meta::MAX_META_RECORDS);
    j.num(Some("max_name"), meta::MAX_META_NAME_BYTES);
    j.num(Some("max_value"), meta::MAX_META_VALUE_BYTES);
    j.num(Some("max_decoded"), meta::MAX_META_DECODED_BYTES);
    j.close('}');

    j.close('}');
}

/// The sandbox's contract with a module.
fn sandbox(j: &mut Json) {
    use crate::sandbox::{self as s, limits as l};
    j.open(Some("sandbox"), '{');
    numbers(
        j,
        "limits",
        &[
            ("fuel", l::FUEL),
            ("max_memory_bytes", l::MAX_MEMORY_BYTES),
            ("max_recursion", l::MAX_RECURSION as u64),
            ("max_table_elements", l::MAX_TABLE_ELEMENTS.into()),
            ("max_module_bytes", l::MAX_MODULE_BYTES as u64),
            ("max_result_bytes", l::MAX_RESULT_BYTES),
            ("max_degree_ids", l::MAX_DEGREE_IDS.into()),
        ],
    );
    j.num(Some("page_bytes"), s::PAGE_BYTES);
    j.str(Some("import_module"), s::IMPORT_MODULE);
    signatures(j, "imports", &s::IMPORTS);
    j.str(Some("memory"), s::export::MEMORY);
    signatures(j, "exports", &s::EXPORTS);
    feature_names(j, "engine_features", s::ENGINE_FEATURES);
    feature_names(j, "engine_optional_features", s::ENGINE_OPTIONAL_FEATURES);
    j.close('}');
}

/// All facts as a JSON document.
pub fn json() -> String {
    let mut j = Json {
        out: String::new(),
        indent: 0,
        first: true,
    };
    j.open(None, '{');

    j.open(Some("abi"), '{');
    j.num(Some("version"), abi::ABI_VERSION);
    j.num(Some("major"), abi::ABI_MAJOR);
    j.num(Some("params_version"), abi::PARAMS_VERSION);
    j.num(Some("params_len"), abi::PARAMS_LEN);
    j.num(Some("report_len"), abi::REPORT_LEN);
    j.num(Some("pair_len"), abi::PAIR_LEN);
    j.num(Some("flag_precondition"), abi::FLAG_PRECONDITION);
    fields(&mut j, "params_fields", &abi::PARAMS_FIELDS);
    fields(&mut j, "report_fields", &abi::REPORT_FIELDS);
    params_defaults(&mut j);
    j.open(Some("result_kinds"), '{');
    j.num(Some("dense_f64"), abi::result_kind::DENSE_F64);
    j.num(Some("pairs"), abi::result_kind::PAIRS);
    j.close('}');
    j.open(Some("arrays"), '{');
    for (k, v) in [
        ("row_ptr", abi::array::ROW_PTR),
        ("col_idx", abi::array::COL_IDX),
        ("values", abi::array::VALUES),
        ("rhs", abi::array::RHS),
        ("t_col_ptr", abi::array::T_COL_PTR),
        ("t_row_idx", abi::array::T_ROW_IDX),
        ("t_values", abi::array::T_VALUES),
        ("vectors", abi::array::VECTORS),
    ] {
        j.num(Some(k), v);
    }
    j.close('}');
    j.open(Some("info"), '{');
    for (k, v) in [
        ("rows", abi::info::ROWS),
        ("cols", abi::info::COLS),
        ("nnz", abi::info::NNZ),
        ("has_transpose", abi::info::HAS_TRANSPOSE),
        ("has_rhs", abi::info::HAS_RHS),
        ("vec_dim", abi::info::VEC_DIM),
        ("vec_count", abi::info::VEC_COUNT),
    ] {
        j.num(Some(k), v);
    }
    j.close('}');
    j.open(Some("sets"), '{');
    j.num(Some("forward"), abi::set::FORWARD);
    j.num(Some("transpose"), abi::set::TRANSPOSE);
    j.close('}');
    j.open(Some("methods"), '[');
    for m in Method::ALL {
        j.row(&[
            ("name", quoted(m.name())),
            ("id", m.id().to_string()),
            ("result_kind", m.result_kind().to_string()),
            ("value_label", quoted(m.value_label())),
        ]);
    }
    j.close(']');
    j.open(Some("metrics"), '[');
    for m in Metric::ALL {
        j.row(&[
            ("name", quoted(m.name())),
            ("id", m.id().to_string()),
            ("manifest_id", format::metric_to_manifest(m).to_string()),
            ("value_label", quoted(m.value_label())),
        ]);
    }
    j.close(']');
    j.open(Some("details"), '[');
    let floor = (
        abi::detail::RESIDUAL_FLOOR,
        "RESIDUAL_FLOOR",
        abi::detail::RESIDUAL_FLOOR_WORDS.0,
        abi::detail::RESIDUAL_FLOOR_WORDS.1,
    );
    for (code, name, what, fix) in abi::detail::TABLE.iter().copied().chain([floor]) {
        j.row(&[
            ("code", code.to_string()),
            ("name", quoted(name)),
            ("what", quoted(what)),
            ("fix", quoted(fix)),
        ]);
    }
    j.close(']');
    j.open(Some("status"), '[');
    for code in abi::status::ALL {
        j.row(&[
            ("code", code.to_string()),
            ("name", quoted(abi::status::name(code))),
            ("message", quoted(abi::status::message(code))),
            ("exit", Exit::for_status(code).code().to_string()),
        ]);
    }
    j.close(']');
    j.close('}');

    j.open(Some("format"), '{');
    j.num(Some("segment_magic"), format::SEGMENT_MAGIC);
    j.num(Some("segment_version"), format::SEGMENT_VERSION);
    j.num(Some("header_len"), format::SEGMENT_HEADER_SIZE);
    j.num(Some("alignment"), format::SEGMENT_ALIGNMENT);
    j.num(Some("root_page_len"), format::ROOT_MANIFEST_SIZE);
    j.num(Some("root_page_magic"), format::ROOT_MANIFEST_MAGIC);
    j.num(Some("wasm_magic"), format::WASM_MAGIC);
    j.open(Some("segment_types"), '[');
    for (t, name) in format::segment_types() {
        j.row(&[("id", t.to_string()), ("name", quoted(&name.to_string()))]);
    }
    j.close(']');
    j.open(Some("roles"), '[');
    for (r, name) in format::roles() {
        j.row(&[
            ("id", r.to_string()),
            ("name", quoted(&name.to_string())),
            ("runnable", format::role_is_runnable(r).to_string()),
        ]);
    }
    j.close(']');
    j.open(Some("targets"), '[');
    for (t, name) in format::targets() {
        j.row(&[
            ("id", t.to_string()),
            ("name", quoted(&name.to_string())),
            ("runnable", format::target_is_runnable(t).to_string()),
        ]);
    }
    j.close(']');
    j.open(Some("features"), '[');
    for (bit, name) in format::FEATURES {
        j.row(&[("bit", bit.to_string()), ("name", quoted(name))]);
    }
    j.close(']');
    j.open(Some("checksums"), '[');
    for a in 0..=3u8 {
        j.row(&[
            ("id", a.to_string()),
            ("name", quoted(format::checksum_name(a))),
        ]);
    }
    j.close(']');
    j.open(Some("compressions"), '[');
    for c in 0..=3u8 {
        j.row(&[
            ("id", c.to_string()),
            ("name", quoted(format::compression_name(c))),
        ]);
    }
    j.close(']');
    j.close('}');

    j.open(Some("interp"), '{');
    j.num(Some("version"), interp::VERSION);
    j.num(Some("major"), interp::MAJOR);
    j.str(Some("memory"), interp::export::MEMORY);
    j.str(Some("stack_pointer"), interp::export::STACK_POINTER);
    signatures(&mut j, "functions", &interp::FUNCTIONS);
    j.open(Some("names"), '{');
    {
        use interp::export as e;
        for (k, v) in [
            ("version", e::VERSION),
            ("features", e::FEATURES),
            ("alloc", e::ALLOC),
            ("free", e::FREE),
            ("set_limits", e::SET_LIMITS),
            ("load", e::LOAD),
            ("run", e::RUN),
            ("fuel_used", e::FUEL_USED),
            ("report_ptr", e::REPORT_PTR),
            ("result_ptr", e::RESULT_PTR),
            ("result_len", e::RESULT_LEN),
            ("detail", e::DETAIL),
            ("error_ptr", e::ERROR_PTR),
            ("error_len", e::ERROR_LEN),
            ("unload", e::UNLOAD),
        ] {
            j.str(Some(k), v);
        }
    }
    j.close('}');
    j.open(Some("status"), '[');
    for code in interp::status::ALL {
        j.row(&[
            ("code", code.to_string()),
            ("name", quoted(interp::status::name(code))),
            ("exit", interp::status::exit(code).code().to_string()),
        ]);
    }
    j.close(']');
    // u64::MAX is no exact JSON number: its decimal digits, for BigInt().
    j.str(Some("no_run_cap"), &interp::NO_RUN_CAP.to_string());
    j.open(Some("why"), '{');
    strings(&mut j, "imports", &interp::why::IMPORTS);
    strings(&mut j, "exports", &interp::why::EXPORTS);
    strings(&mut j, "results", &interp::why::RESULTS);
    j.close('}');
    numbers(
        &mut j,
        "outer",
        &[
            ("memory_base", interp::outer::MEMORY_BASE),
            ("memory_factor", interp::outer::MEMORY_FACTOR),
            ("max_memory_bytes", interp::outer::MAX_MEMORY_BYTES),
            ("max_module_bytes", interp::outer::MAX_MODULE_BYTES as u64),
        ],
    );
    j.open(Some("engine"), '{');
    j.str(Some("name"), interp::engine::NAME);
    j.str(Some("version"), interp::engine::VERSION);
    j.str(Some("compilation"), interp::engine::COMPILATION);
    j.bool(Some("fuel_metering"), interp::engine::FUEL_METERING);
    j.bool(Some("deterministic"), interp::engine::DETERMINISTIC);
    j.close('}');
    j.close('}');

    j.open(Some("receipt"), '{');
    j.str(Some("schema"), crate::receipt::SCHEMA);
    j.num(Some("version"), crate::receipt::VERSION);
    j.close('}');

    j.open(Some("signing"), '{');
    {
        use crate::signing as g;
        j.num(Some("signed_flag"), g::SIGNED_FLAG);
        j.num(Some("algo_ed25519"), g::ALGO_ED25519);
        j.num(Some("signature_len"), g::SIGNATURE_LEN);
        j.num(Some("footer_overhead"), g::FOOTER_OVERHEAD);
        j.num(Some("footer_len"), g::FOOTER_LEN);
        j.open(Some("at"), '{');
        j.num(Some("sig_algo"), g::AT_SIG_ALGO);
        j.num(Some("sig_length"), g::AT_SIG_LENGTH);
        j.num(Some("signature"), g::AT_SIGNATURE);
        j.close('}');
        j.num(Some("signed_header_len"), g::SIGNED_HEADER_LEN);
        j.str(
            Some("domain"),
            core::str::from_utf8(g::DOMAIN).unwrap_or_default(),
        );
        j.num(Some("digest_len"), g::DIGEST_LEN);
        j.num(Some("message_len"), g::MESSAGE_LEN);
        j.num(Some("public_key_len"), g::PUBLIC_KEY_LEN);
        j.num(Some("key_id_len"), g::KEY_ID_LEN);
    }
    j.close('}');

    j.open(Some("labels"), '{');
    {
        use crate::labels as l;
        j.str(Some("prefix"), l::PREFIX);
        j.str(Some("vectors"), l::VECTORS);
        j.str(Some("matrix"), l::MATRIX);
        j.str(Some("separator"), &l::SEPARATOR.to_string());
        j.num(Some("max_label_bytes"), l::MAX_LABEL_BYTES);
        j.num(Some("max_entry_bytes"), l::MAX_ENTRY_BYTES);
        j.num(Some("max_total_bytes"), l::MAX_TOTAL_BYTES);
    }
    j.close('}');

    layouts(&mut j);
    sandbox(&mut j);

    j.open(Some("exit"), '[');
    for e in Exit::ALL {
        j.row(&[
            ("code", e.code().to_string()),
            ("name", quoted(e.name())),
            ("meaning", quoted(e.meaning())),
        ]);
    }
    j.close(']');
    j.bool(Some("generated"), true);
    j.str(Some("owner"), "spec/ (crate rvf-spec)");
    j.close('}');
    j.out.push('\n');
    j.out
}

/// The generated JavaScript module: the JSON document as its default export.
pub fn javascript_module() -> String {
    let mut s = String::from(
        "// Generated from spec/ (crate rvf-spec) by `RVF_UPDATE_FACTS=1 cargo test -p rvf-spec`.\n\
         // Do not edit: every fact here has one owner in Rust, and a test fails when\n\
         // this file differs from what the owner writes.\n\
         export default ",
    );
    s.push_str(&json());
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_interpreter_function_has_a_name_entry() {
        // Once in `functions`, once in `names`.
        let doc = json();
        for (name, _, _) in interp::FUNCTIONS {
            let quoted = alloc::format!("\"{name}\"");
            assert_eq!(doc.matches(&quoted).count(), 2, "{name}");
        }
    }
}
