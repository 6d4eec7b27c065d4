// Generated from spec/ (crate rvf-spec) by `RVF_UPDATE_FACTS=1 cargo test -p rvf-spec`.
// Do not edit: every fact here has one owner in Rust, and a test fails when
// this file differs from what the owner writes.
export default {
  "abi": {
    "version": 65537,
    "major": 1,
    "params_version": 1,
    "params_len": 128,
    "report_len": 64,
    "pair_len": 16,
    "flag_precondition": 1,
    "params_fields": [
      {"name": "version", "offset": 0, "type": "u32"},
      {"name": "method", "offset": 4, "type": "u32"},
      {"name": "tol", "offset": 8, "type": "f64"},
      {"name": "max_iter", "offset": 16, "type": "u32"},
      {"name": "flags", "offset": 20, "type": "u32"},
      {"name": "alpha", "offset": 24, "type": "f64"},
      {"name": "epsilon", "offset": 32, "type": "f64"},
      {"name": "seed", "offset": 40, "type": "u64"},
      {"name": "source", "offset": 48, "type": "u32"},
      {"name": "target", "offset": 52, "type": "u32"},
      {"name": "k", "offset": 56, "type": "u32"},
      {"name": "metric", "offset": 60, "type": "u32"},
      {"name": "work_budget", "offset": 64, "type": "u64"},
      {"name": "num_walks", "offset": 72, "type": "u32"},
      {"name": "input_ptr", "offset": 76, "type": "u32"},
      {"name": "input_len", "offset": 80, "type": "u32"},
      {"name": "min_margin", "offset": 88, "type": "f64"}
    ],
    "report_fields": [
      {"name": "version", "offset": 0, "type": "u32"},
      {"name": "status", "offset": 4, "type": "i32"},
      {"name": "method", "offset": 8, "type": "u32"},
      {"name": "result_kind", "offset": 12, "type": "u32"},
      {"name": "iterations", "offset": 16, "type": "u64"},
      {"name": "residual", "offset": 24, "type": "f64"},
      {"name": "estimate", "offset": 32, "type": "f64"},
      {"name": "work", "offset": 40, "type": "u64"},
      {"name": "converged", "offset": 48, "type": "u32"},
      {"name": "result_count", "offset": 52, "type": "u32"},
      {"name": "detail", "offset": 56, "type": "u32"}
    ],
    "params_defaults": {
      "version": 1,
      "method": 0,
      "tol": 0.00000001,
      "max_iter": 10000,
      "flags": 0,
      "alpha": 0.15,
      "epsilon": 0.0001,
      "seed": 0,
      "source": 0,
      "target": 0,
      "k": 10,
      "metric": 0,
      "work_budget": 0,
      "num_walks": 10000,
      "input_ptr": 0,
      "input_len": 0,
      "min_margin": 0.01
    },
    "result_kinds": {
      "dense_f64": 0,
      "pairs": 1
    },
    "arrays": {
      "row_ptr": 0,
      "col_idx": 1,
      "values": 2,
      "rhs": 3,
      "t_col_ptr": 4,
      "t_row_idx": 5,
      "t_values": 6,
      "vectors": 16
    },
    "info": {
      "rows": 0,
      "cols": 1,
      "nnz": 2,
      "has_transpose": 3,
      "has_rhs": 4,
      "vec_dim": 5,
      "vec_count": 6
    },
    "sets": {
      "forward": 0,
      "transpose": 1
    },
    "methods": [
      {"name": "cg", "id": 1, "result_kind": 0, "value_label": "x"},
      {"name": "jacobi", "id": 2, "result_kind": 0, "value_label": "x"},
      {"name": "ppr-forward", "id": 3, "result_kind": 1, "value_label": "score"},
      {"name": "ppr-backward", "id": 4, "result_kind": 1, "value_label": "score"},
      {"name": "walk-estimate", "id": 5, "result_kind": 1, "value_label": "estimate"},
      {"name": "knn", "id": 6, "result_kind": 1, "value_label": "distance"}
    ],
    "metrics": [
      {"name": "l2", "id": 0, "manifest_id": 0, "value_label": "squared L2 distance"},
      {"name": "ip", "id": 1, "manifest_id": 1, "value_label": "-(q.x)"},
      {"name": "cosine", "id": 2, "manifest_id": 2, "value_label": "1 - cosine"}
    ],
    "details": [
      {"code": 1, "name": "TOL", "what": "tol {tol} must be finite and greater than 0", "fix": "give e.g. --tol 1e-8"},
      {"code": 2, "name": "ALPHA", "what": "alpha {alpha} must lie strictly between 0 and 1", "fix": "give e.g. --alpha 0.15"},
      {"code": 3, "name": "EPSILON", "what": "epsilon {epsilon} must be finite and greater than 0", "fix": "give e.g. --epsilon 1e-4"},
      {"code": 4, "name": "SOURCE", "what": "source {source} is not a node of the graph, which has {rows} nodes", "fix": "give --source below {rows}"},
      {"code": 5, "name": "TARGET", "what": "target {target} is not a node of the graph, which has {rows} nodes", "fix": "give --target below {rows}"},
      {"code": 6, "name": "WALKS", "what": "the number of walks must be at least 1", "fix": "give e.g. --walks 10000"},
      {"code": 7, "name": "K", "what": "k must be at least 1", "fix": "give e.g. --k 10"},
      {"code": 8, "name": "METRIC", "what": "metric {metric} is not one this solver knows", "fix": "give --metric l2, ip or cosine"},
      {"code": 9, "name": "QUERY_LENGTH", "what": "the query has {query_len} values but the vectors have dimension {dim}", "fix": "give {dim} values, or --query-index N"},
      {"code": 10, "name": "QUERY_VALUE", "what": "the query holds a NaN or an infinity", "fix": "give finite values"},
      {"code": 11, "name": "PARAMS_STRUCT", "what": "the parameter struct is malformed (length, version or reserved bytes)", "fix": ""},
      {"code": 20, "name": "NO_MATRIX", "what": "the file has no matrix (SPARSE segment)", "fix": "pack one with --matrix FILE"},
      {"code": 21, "name": "NO_RHS", "what": "the matrix has no right-hand side", "fix": "pack it with --rhs FILE"},
      {"code": 22, "name": "NO_TRANSPOSE", "what": "the matrix has no stored transpose, which this method reads", "fix": "pack it with --with-transpose"},
      {"code": 23, "name": "NO_VECTORS", "what": "the file has no vectors", "fix": "pack them with --vectors FILE"},
      {"code": 30, "name": "NOT_SQUARE", "what": "the matrix is {rows} x {cols}, this method needs a square one", "fix": ""},
      {"code": 31, "name": "STRUCTURE", "what": "the matrix's row pointers or column indices are inconsistent (a corrupt data segment)", "fix": "check the file with rvf-pack verify"},
      {"code": 32, "name": "NON_FINITE", "what": "the matrix or its right-hand side holds a NaN or an infinity", "fix": "check the file with rvf-pack verify"},
      {"code": 33, "name": "NON_FINITE_VECTOR", "what": "a stored vector holds a NaN or an infinity", "fix": "check the file with rvf-pack verify"},
      {"code": 34, "name": "TRANSPOSE_MISMATCH", "what": "the stored transpose disagrees with the matrix (a corrupt data segment)", "fix": "check the file with rvf-pack verify"},
      {"code": 40, "name": "ITERATION_CAP", "what": "stopped at the iteration cap ({max_iter}) with relative residual {residual}", "fix": "raise --max-iter, or loosen --tol"},
      {"code": 41, "name": "RESIDUAL_FLOOR", "what": "the recurrence residual reached tol {tol}, but the recomputed residual {residual} is above it: tol is below what f64 reaches for this system", "fix": "loosen --tol"}
    ],
    "status": [
      {"code": 0, "name": "OK", "message": "ok", "exit": 0},
      {"code": -1, "name": "BAD_PARAMS", "message": "bad parameters", "exit": 12},
      {"code": -2, "name": "BAD_DATA", "message": "bad data (row_ptr not monotone, index out of range, or non-finite value)", "exit": 12},
      {"code": -3, "name": "NOT_DOMINANT", "message": "matrix is not strictly diagonally dominant by the required margin", "exit": 12},
      {"code": -4, "name": "NOT_CONVERGED", "message": "did not converge within the iteration budget (result written)", "exit": 13},
      {"code": -5, "name": "BREAKDOWN", "message": "numerical breakdown (matrix not SPD, or NaN)", "exit": 12},
      {"code": -6, "name": "BUDGET", "message": "work budget exhausted (result written)", "exit": 13},
      {"code": -7, "name": "HOST_READ", "message": "host refused a data read", "exit": 12},
      {"code": -8, "name": "OUT_OF_MEMORY", "message": "guest out of memory", "exit": 12},
      {"code": -9, "name": "MISSING_DATA", "message": "the file lacks the data this method needs", "exit": 12},
      {"code": -10, "name": "UNSUPPORTED", "message": "unsupported method", "exit": 12},
      {"code": -11, "name": "NOT_RUN", "message": "no run has completed", "exit": 12}
    ]
  },
  "format": {
    "segment_magic": 1381385811,
    "segment_version": 1,
    "header_len": 64,
    "alignment": 64,
    "root_page_len": 4096,
    "root_page_magic": 1381387568,
    "wasm_magic": 1381390157,
    "segment_types": [
      {"id": 0, "name": "INVALID"},
      {"id": 1, "name": "VEC"},
      {"id": 2, "name": "INDEX"},
      {"id": 3, "name": "OVERLAY"},
      {"id": 4, "name": "JOURNAL"},
      {"id": 5, "name": "MANIFEST"},
      {"id": 6, "name": "QUANT"},
      {"id": 7, "name": "META"},
      {"id": 8, "name": "HOT"},
      {"id": 9, "name": "SKETCH"},
      {"id": 10, "name": "WITNESS"},
      {"id": 11, "name": "PROFILE"},
      {"id": 12, "name": "CRYPTO"},
      {"id": 13, "name": "META_IDX"},
      {"id": 14, "name": "KERNEL"},
      {"id": 15, "name": "EBPF"},
      {"id": 16, "name": "WASM"},
      {"id": 17, "name": "DASHBOARD"},
      {"id": 32, "name": "COW_MAP"},
      {"id": 33, "name": "REFCOUNT"},
      {"id": 34, "name": "MEMBERSHIP"},
      {"id": 35, "name": "DELTA"},
      {"id": 36, "name": "SPARSE"},
      {"id": 48, "name": "TRANSFER_PRIOR"},
      {"id": 49, "name": "POLICY_KERNEL"},
      {"id": 50, "name": "COST_CURVE"},
      {"id": 51, "name": "FEDERATED_MANIFEST"},
      {"id": 52, "name": "DIFF_PRIVACY_PROOF"},
      {"id": 53, "name": "REDACTION_LOG"},
      {"id": 54, "name": "AGGREGATE_WEIGHTS"}
    ],
    "roles": [
      {"id": 0, "name": "microkernel", "runnable": true},
      {"id": 1, "name": "interpreter", "runnable": false},
      {"id": 2, "name": "combined", "runnable": true},
      {"id": 3, "name": "extension", "runnable": false},
      {"id": 4, "name": "control-plane", "runnable": false}
    ],
    "targets": [
      {"id": 0, "name": "wasm32", "runnable": true},
      {"id": 1, "name": "wasi-p1", "runnable": false},
      {"id": 2, "name": "wasi-p2", "runnable": false},
      {"id": 3, "name": "browser", "runnable": false},
      {"id": 4, "name": "bare-tile", "runnable": true}
    ],
    "features": [
      {"bit": 1, "name": "simd"},
      {"bit": 2, "name": "bulk-memory"},
      {"bit": 4, "name": "multi-value"},
      {"bit": 8, "name": "reference-types"},
      {"bit": 16, "name": "threads"},
      {"bit": 32, "name": "tail-call"},
      {"bit": 64, "name": "gc"},
      {"bit": 128, "name": "exception-handling"}
    ],
    "checksums": [
      {"id": 0, "name": "legacy (CRC32-rotation or XXH3-128)"},
      {"id": 1, "name": "XXH3-128"},
      {"id": 2, "name": "SHAKE-256/128"},
      {"id": 3, "name": "HMAC-SHAKE-256"}
    ],
    "compressions": [
      {"id": 0, "name": "none"},
      {"id": 1, "name": "LZ4"},
      {"id": 2, "name": "ZSTD"},
      {"id": 3, "name": "custom"}
    ]
  },
  "interp": {
    "version": 65536,
    "major": 1,
    "memory": "memory",
    "stack_pointer": "__stack_pointer",
    "functions": [
      {"name": "rvfi_version", "params": [], "results": ["i32"]},
      {"name": "rvfi_features", "params": [], "results": ["i32"]},
      {"name": "rvfi_alloc", "params": ["i32"], "results": ["i32"]},
      {"name": "rvfi_free", "params": ["i32", "i32"], "results": []},
      {"name": "rvfi_set_limits", "params": ["i64", "i64", "i32", "i32", "i32", "i64"], "results": ["i32"]},
      {"name": "rvfi_load", "params": ["i32", "i32", "i32"], "results": ["i32"]},
      {"name": "rvfi_run", "params": ["i32", "i32", "i32", "i64"], "results": ["i32"]},
      {"name": "rvfi_fuel_used", "params": [], "results": ["i64"]},
      {"name": "rvfi_report_ptr", "params": [], "results": ["i32"]},
      {"name": "rvfi_result_ptr", "params": [], "results": ["i32"]},
      {"name": "rvfi_result_len", "params": [], "results": ["i32"]},
      {"name": "rvfi_detail", "params": [], "results": ["i64"]},
      {"name": "rvfi_error_ptr", "params": [], "results": ["i32"]},
      {"name": "rvfi_error_len", "params": [], "results": ["i32"]},
      {"name": "rvfi_unload", "params": [], "results": []}
    ],
    "names": {
      "version": "rvfi_version",
      "features": "rvfi_features",
      "alloc": "rvfi_alloc",
      "free": "rvfi_free",
      "set_limits": "rvfi_set_limits",
      "load": "rvfi_load",
      "run": "rvfi_run",
      "fuel_used": "rvfi_fuel_used",
      "report_ptr": "rvfi_report_ptr",
      "result_ptr": "rvfi_result_ptr",
      "result_len": "rvfi_result_len",
      "detail": "rvfi_detail",
      "error_ptr": "rvfi_error_ptr",
      "error_len": "rvfi_error_len",
      "unload": "rvfi_unload"
    },
    "status": [
      {"code": 0, "name": "OK", "exit": 0},
      {"code": -1, "name": "INVALID", "exit": 11},
      {"code": -2, "name": "FORBIDDEN_IMPORT", "exit": 11},
      {"code": -3, "name": "BAD_EXPORT", "exit": 11},
      {"code": -4, "name": "ABI_MISMATCH", "exit": 11},
      {"code": -5, "name": "OUT_OF_FUEL", "exit": 8},
      {"code": -6, "name": "MEMORY_LIMIT", "exit": 9},
      {"code": -7, "name": "INITIAL_MEMORY", "exit": 9},
      {"code": -8, "name": "STACK_OVERFLOW", "exit": 10},
      {"code": -9, "name": "TRAP", "exit": 11},
      {"code": -10, "name": "BAD_RESULT", "exit": 11},
      {"code": -11, "name": "NOT_LOADED", "exit": 11},
      {"code": -12, "name": "BAD_ARGUMENT", "exit": 11}
    ],
    "no_run_cap": "18446744073709551615",
    "why": {
      "imports": [
        "only the `rvf` host module is available",
        "only functions may be imported",
        "not a function of the rvf ABI",
        "wrong signature for this rvf function"
      ],
      "exports": [
        "missing",
        "is not a memory",
        "has the wrong type"
      ],
      "results": [
        "input too large",
        "rvf_alloc returned memory outside the module",
        "report lies outside guest memory",
        "report has the wrong ABI version",
        "result is larger than the result limit",
        "unknown result kind",
        "result length disagrees with the report",
        "result lies outside guest memory",
        "result too large for host memory"
      ]
    },
    "outer": {
      "memory_base": 268435456,
      "memory_factor": 3,
      "max_memory_bytes": 4294967296,
      "max_module_bytes": 16777216
    },
    "engine": {
      "name": "wasmi",
      "version": "2.0.0",
      "compilation": "eager",
      "fuel_metering": true,
      "deterministic": true
    }
  },
  "receipt": {
    "schema": "rvf-boot/receipt",
    "version": 1
  },
  "signing": {
    "signed_flag": 4,
    "algo_ed25519": 0,
    "signature_len": 64,
    "footer_overhead": 8,
    "footer_len": 72,
    "at": {
      "sig_algo": 0,
      "sig_length": 2,
      "signature": 4
    },
    "signed_header_len": 56,
    "domain": "RVF-v1-segment",
    "digest_len": 16,
    "message_len": 94,
    "public_key_len": 32,
    "key_id_len": 8
  },
  "labels": {
    "prefix": "rvf-boot.labels.",
    "vectors": "vectors",
    "matrix": "matrix",
    "separator": "\u000a",
    "max_label_bytes": 1024,
    "max_entry_bytes": 16777216,
    "max_total_bytes": 67108864
  },
  "layouts": {
    "segment_header": {
      "magic": 0,
      "version": 4,
      "seg_type": 5,
      "flags": 6,
      "segment_id": 8,
      "payload_length": 16,
      "timestamp_ns": 24,
      "checksum_algo": 32,
      "compression": 33,
      "reserved_0": 34,
      "reserved_1": 36,
      "content_hash": 40,
      "uncompressed_len": 56,
      "alignment_pad": 60,
      "content_hash_len": 16
    },
    "manifest": {
      "fixed_len": 22,
      "epoch": 0,
      "dimension": 4,
      "total_vectors": 6,
      "seg_count": 14,
      "profile_id": 18,
      "metric_id": 19,
      "dir_entry_len": 25,
      "entry": {
        "segment_id": 0,
        "offset": 8,
        "payload_length": 16,
        "seg_type": 24
      },
      "deleted_id_len": 8,
      "fidi_marker": 1179206729,
      "file_identity_len": 68,
      "shdg_marker": 1195657299,
      "shdg_entry_len": 24
    },
    "scan": {
      "heavy_payload": 4096,
      "max_heavy_attempts": 256,
      "budget_bytes": 16777216,
      "byte_scan_window": 67108864
    },
    "wasm_header": {
      "len": 64,
      "magic": 0,
      "header_version": 4,
      "role": 6,
      "target": 7,
      "required_features": 8,
      "export_count": 10,
      "bytecode_size": 12,
      "compressed_size": 16,
      "compression": 20,
      "min_memory_pages": 21,
      "max_memory_pages": 22,
      "table_count": 23,
      "bytecode_hash": 24,
      "bootstrap_priority": 56,
      "interpreter_type": 57,
      "reserved": 58,
      "bytecode_hash_len": 32,
      "version": 1,
      "max_decompressed": 67108864,
      "max_expansion": 255,
      "min_expanded_cap": 65536
    },
    "sparse": {
      "header_len": 64,
      "magic": "RVSP",
      "version": 1,
      "value_f64": 1,
      "index_u32": 1,
      "at": {
        "version": 4,
        "value_type": 6,
        "index_type": 7,
        "rows": 8,
        "cols": 16,
        "nnz": 24,
        "flags": 32,
        "reserved": 36,
        "dominance_margin": 40,
        "reserved_tail": 48
      },
      "flags": {
        "symmetric": 1,
        "has_transpose": 2,
        "has_rhs": 4,
        "dominance_known": 8,
        "known": 15
      },
      "arrays": [
        "row_ptr",
        "col_idx",
        "values",
        "rhs",
        "t_col_ptr",
        "t_row_idx",
        "t_values"
      ]
    },
    "vec": {
      "header_len": 6,
      "dim": 0,
      "count": 2,
      "id_len": 8,
      "value_len": 4
    },
    "meta": {
      "magic": "RVFMETA\u0000",
      "done_magic": "RVFDONE\u0000",
      "footer_len": 40,
      "version": 1,
      "full_snapshot": 1,
      "max_fields": 65536,
      "max_records": 16777216,
      "max_name": 4096,
      "max_value": 16777216,
      "max_decoded": 268435456
    }
  },
  "sandbox": {
    "limits": {
      "fuel": 20000000000,
      "max_memory_bytes": 1073741824,
      "max_recursion": 1024,
      "max_table_elements": 10000,
      "max_module_bytes": 8388608,
      "max_result_bytes": 1073741824,
      "max_degree_ids": 1048576
    },
    "page_bytes": 65536,
    "import_module": "rvf",
    "imports": [
      {"name": "info", "params": ["i32"], "results": ["i64"]},
      {"name": "read", "params": ["i32", "i64", "i32", "i32"], "results": ["i32"]},
      {"name": "row", "params": ["i32", "i32", "i32", "i32", "i32"], "results": ["i64"]},
      {"name": "degrees", "params": ["i32", "i32", "i32", "i32"], "results": ["i32"]}
    ],
    "memory": "memory",
    "exports": [
      {"name": "rvf_abi_version", "params": [], "results": ["i32"]},
      {"name": "rvf_alloc", "params": ["i32"], "results": ["i32"]},
      {"name": "rvf_set_params", "params": ["i32", "i32"], "results": ["i32"]},
      {"name": "rvf_run", "params": [], "results": ["i32"]},
      {"name": "rvf_result_ptr", "params": [], "results": ["i32"]},
      {"name": "rvf_result_len", "params": [], "results": ["i32"]},
      {"name": "rvf_report_ptr", "params": [], "results": ["i32"]}
    ],
    "engine_features": [
      "bulk-memory",
      "multi-value",
      "reference-types",
      "tail-call"
    ],
    "engine_optional_features": [
      "simd"
    ]
  },
  "exit": [
    {"code": 0, "name": "ok", "meaning": "success"},
    {"code": 1, "name": "verify_failed", "meaning": "verification failed (a hash or payload check did not pass)"},
    {"code": 2, "name": "usage", "meaning": "usage error (bad arguments)"},
    {"code": 3, "name": "bad_input", "meaning": "bad input file (vectors, matrix, right-hand side, WASM module, receipt)"},
    {"code": 4, "name": "bad_container", "meaning": "not a readable RVF file (malformed container)"},
    {"code": 5, "name": "io", "meaning": "I/O error"},
    {"code": 6, "name": "no_solver", "meaning": "no runnable solver segment (every candidate's reason is printed)"},
    {"code": 7, "name": "refused", "meaning": "the forced segment (--segment) was refused before execution"},
    {"code": 8, "name": "out_of_fuel", "meaning": "out of fuel"},
    {"code": 9, "name": "memory_limit", "meaning": "memory limit"},
    {"code": 10, "name": "stack_overflow", "meaning": "stack overflow"},
    {"code": 11, "name": "trap", "meaning": "the module trapped or returned a malformed result"},
    {"code": 12, "name": "solver_refused", "meaning": "the solver refused its input (parameters, data, not dominant, breakdown)"},
    {"code": 13, "name": "not_converged", "meaning": "the solver stopped without converging (budget); the result is still written"},
    {"code": 14, "name": "replay_differs", "meaning": "replay differs from the receipt"},
    {"code": 15, "name": "unhashed", "meaning": "not verified: a segment's content hash is unset, so nothing could be checked (--allow-unhashed accepts it)"},
    {"code": 16, "name": "untrusted", "meaning": "under the trust policy, no solver (or a data segment) is signed by a trusted key"}
  ],
  "generated": true,
  "owner": "spec/ (crate rvf-spec)"
}
