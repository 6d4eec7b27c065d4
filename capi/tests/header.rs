//! `capi/include/rvf.h` is exactly what cbindgen writes from the crate's
//! sources plus the constants rvf_spec owns (exit codes, methods, metrics,
//! statuses, details, features, segment types, roles, targets), so the C
//! names can never drift from the Rust ones. `RVF_UPDATE_HEADER=1 cargo
//! test -p rvf-capi --test header` rewrites it.

use rvf::ApiError;
use rvf_spec::abi::{self, detail, result_kind, status, Method, Metric};
use rvf_spec::exit::Exit;
use rvf_spec::format;
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A C identifier part from a spec name: `ppr-forward` → `PPR_FORWARD`.
fn ident(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' => c.to_ascii_uppercase(),
            _ => '_',
        })
        .collect()
}

/// A comment that cannot close early.
fn comment(text: &str) -> String {
    text.replace("*/", "* /")
}

fn define(out: &mut String, name: &str, value: impl std::fmt::Display, what: &str) {
    let v = value.to_string();
    let v = if v.starts_with('-') {
        format!("({v})")
    } else {
        v
    };
    if what.is_empty() {
        writeln!(out, "#define {name} {v}").unwrap();
    } else {
        writeln!(out, "/* {} */\n#define {name} {v}", comment(what)).unwrap();
    }
}

/// The constants block, generated from rvf_spec (and the API's own errors).
fn constants() -> String {
    let mut s = String::new();
    s.push_str(
        "\n/* ---- Constants owned by rvf_spec, generated from it (capi/tests/header.rs) ---- */\n\n",
    );
    define(
        &mut s,
        "RVF_ABI_VERSION",
        format!("0x{:08X}", abi::ABI_VERSION),
        "The solver ABI version (major << 16 | minor).",
    );
    s.push_str(
        "\n/* Outcome codes (RvfCode). 0..255: rvf_spec::exit::Exit, the codes every\n * front end shares (rvf-pack's exit status), RVF_EXIT_ + Exit::name. */\n",
    );
    for e in Exit::ALL {
        define(
            &mut s,
            &format!("RVF_EXIT_{}", ident(e.name())),
            e.code(),
            e.meaning(),
        );
    }
    s.push_str(
        "\n/* Negative: the C API's own argument errors (an exit code is never negative). */\n",
    );
    for e in ApiError::ALL {
        define(
            &mut s,
            &format!("RVF_ERR_{}", ident(e.name())),
            e.code(),
            e.meaning(),
        );
    }
    s.push_str("\n/* Methods (RvfRequest.method). */\n");
    for m in Method::ALL {
        define(
            &mut s,
            &format!("RVF_METHOD_{}", ident(m.name())),
            m.id(),
            "",
        );
    }
    s.push_str("\n/* k-NN metrics (RvfRequest.metric; -1 = the file's). */\n");
    for m in Metric::ALL {
        define(
            &mut s,
            &format!("RVF_METRIC_{}", ident(m.name())),
            m.id(),
            m.value_label(),
        );
    }
    s.push_str("\n/* Result layouts (RvfReport.result_kind). */\n");
    define(
        &mut s,
        "RVF_RESULT_DENSE_F64",
        result_kind::DENSE_F64,
        "n x f64",
    );
    define(
        &mut s,
        "RVF_RESULT_PAIRS",
        result_kind::PAIRS,
        "count x (u32 index, u32 0, f64 value)",
    );
    s.push_str("\n/* Solver status codes (RvfReport.status). */\n");
    for c in status::ALL {
        define(
            &mut s,
            &format!("RVF_STATUS_{}", status::name(c)),
            c,
            status::message(c),
        );
    }
    s.push_str("\n/* Detail codes (RvfReport.detail): what a refusal is about. */\n");
    let mut details: Vec<u32> = detail::TABLE.iter().map(|e| e.0).collect();
    details.extend([detail::NONE, detail::RESIDUAL_FLOOR]);
    details.sort_unstable();
    for d in details {
        define(&mut s, &format!("RVF_DETAIL_{}", detail::name(d)), d, "");
    }
    s.push_str("\n/* WASM feature bits (RvfConfig.host_features names them). */\n");
    for (bit, name) in format::FEATURES {
        define(
            &mut s,
            &format!("RVF_FEATURE_{}", ident(name)),
            format!("0x{bit:04X}"),
            "",
        );
    }
    s.push_str("\n/* Segment types (RvfSegment.seg_type). */\n");
    for (t, name) in format::segment_types() {
        define(
            &mut s,
            &format!("RVF_SEG_{}", ident(&name.to_string())),
            format!("0x{t:02X}"),
            "",
        );
    }
    s.push_str("\n/* WASM roles and targets (RvfCandidate.role, .target). */\n");
    for (r, name) in format::roles() {
        define(
            &mut s,
            &format!("RVF_ROLE_{}", ident(&name.to_string())),
            r,
            "",
        );
    }
    for (t, name) in format::targets() {
        define(
            &mut s,
            &format!("RVF_TARGET_{}", ident(&name.to_string())),
            t,
            "",
        );
    }
    s
}

const PREAMBLE: &str = "/*
 * rvf.h: the C API of rvf-boot (crate rvf-capi, library librvf).
 *
 * Open an RVF file (a byte buffer, copied; or a path), list its segments,
 * select its solver with every candidate explained (under a trust policy,
 * only code signed by a trusted key: RvfConfig.trust), run a method in the
 * wasmi sandbox under fuel, memory and recursion limits, and read the
 * report, the results and the output digest. Guide: docs/EMBEDDING.md.
 *
 * Conventions
 * - Functions return an RvfCode: RVF_EXIT_OK (0), an RVF_EXIT_* code
 *   (rvf_spec's exit codes, 1..255), or a negative RVF_ERR_* argument error.
 *   rvf_code_name() and rvf_code_message() give static strings for each.
 * - `RvfError **err` may be NULL. Otherwise *err is set to NULL on entry
 *   and, on failure, to a new error (code, class, message): free it with
 *   rvf_error_free(). Its strings live as long as it does.
 * - Handles (RvfFile, RvfSelection, RvfRun, RvfTrust, RvfError) are
 *   opaque; each has a _free function that accepts NULL. Strings a handle
 *   returns are owned by it and valid until it is freed; strings from
 *   rvf_code_name(), rvf_code_message() and rvf_version() are static.
 *   Other text is copied into caller buffers (rvf_name), snprintf style.
 *   An RvfTrust named in RvfConfig.trust is read during the call (its keys
 *   are copied into the file handle) and may be freed right after.
 * - Every pointer is checked for NULL and alignment and every length for
 *   range; that a non-NULL pointer points at live memory of the stated
 *   size, and that a handle is live, is the caller's part.
 * - A handle may move between threads but not be used by two at once.
 * - No panic crosses this boundary: with the std feature a panic is
 *   caught (RVF_ERR_PANIC); without it (bare metal) it calls abort().
 */";

fn generate() -> String {
    let config = cbindgen::Config {
        language: cbindgen::Language::C,
        header: Some(PREAMBLE.into()),
        include_guard: Some("RVF_H".into()),
        autogen_warning: Some(
            "/* Generated by cbindgen from capi/src and rvf_spec: do not edit.\n * RVF_UPDATE_HEADER=1 cargo test -p rvf-capi --test header rewrites it. */"
                .into(),
        ),
        after_includes: Some(constants()),
        cpp_compat: true,
        usize_is_size_t: true,
        documentation: true,
        documentation_style: cbindgen::DocumentationStyle::Doxy,
        style: cbindgen::Style::Both,
        sys_includes: vec!["stdbool.h".into(), "stddef.h".into(), "stdint.h".into()],
        no_includes: true,
        enumeration: cbindgen::EnumConfig {
            rename_variants: cbindgen::RenameRule::ScreamingSnakeCase,
            prefix_with_name: true,
            ..Default::default()
        },
        export: cbindgen::ExportConfig {
            include: vec!["RvfNameKind".into()],
            // The C library functions bare metal calls (src/bare.rs), and
            // the Rust-side error enum the constants above spell out.
            exclude: vec!["malloc".into(), "free".into(), "abort".into(), "ApiError".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir())
        .with_config(config)
        .generate()
        .expect("cbindgen reads capi/src")
        .write(&mut out);
    String::from_utf8(out).expect("cbindgen writes UTF-8")
}

#[test]
fn committed_header_is_current() {
    let path = crate_dir().join("include/rvf.h");
    let want = generate();
    if std::env::var_os("RVF_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is not what cbindgen writes: run `RVF_UPDATE_HEADER=1 cargo test -p rvf-capi --test header` and commit it",
        path.display()
    );
}

#[test]
fn every_exit_code_is_in_the_header_with_its_number() {
    let h = std::fs::read_to_string(crate_dir().join("include/rvf.h")).unwrap();
    for e in Exit::ALL {
        let line = format!("#define RVF_EXIT_{} {}\n", ident(e.name()), e.code());
        assert!(h.contains(&line), "missing: {line}");
    }
    assert!(h.contains("#define RVF_EXIT_NO_SOLVER 6\n"));
    for e in ApiError::ALL {
        assert!(e.code() < 0);
        assert!(h.contains(&format!(
            "#define RVF_ERR_{} ({})\n",
            ident(e.name()),
            e.code()
        )));
    }
}

#[test]
fn module_map_names_the_header() {
    let m = std::fs::read_to_string(crate_dir().join("include/module.modulemap")).unwrap();
    assert!(m.contains("header \"rvf.h\""), "{m}");
    assert!(Path::new(&crate_dir().join("include/rvf.h")).exists());
}
