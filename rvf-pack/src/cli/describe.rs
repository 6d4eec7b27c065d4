//! One description of a segment, as JSON; the text views render from it so
//! `inspect` and `inspect --json` can never disagree.

use loader::container::{RvfFile, Segment};
use loader::meta_seg::{self, MetadataValue};
use loader::sparse_seg::{flags, SparseMatrix};
use loader::vec_seg::VectorSegment;
use loader::wasm_seg::WasmSegment;
use rvf_spec::format::{
    metric_from_manifest, role_name, seg, segment_type_name, target_name, Features,
};
use rvf_spec::hex::encode as hex;
use serde_json::{json, Value};

/// Describe a segment: header fields, hash status, and the typed payload.
pub fn segment(index: Option<usize>, seg: &Segment<'_>) -> Value {
    let h = &seg.header;
    let mut v = json!({
        "index": index,
        "type": segment_type_name(h.seg_type).to_string(),
        "type_id": h.seg_type,
        "segment_id": h.segment_id,
        "offset": seg.offset,
        "payload_length": h.payload_length,
        "alignment_pad": h.alignment_pad,
        "checksum_algo": h.checksum_algo,
        "checksum": rvf_spec::format::checksum_name(h.checksum_algo),
        "content_hash": hex(&h.content_hash),
        "hash_status": seg.hash_status().label(),
        // A footer is only a claim until a trust policy checks it (verify --trust).
        "signed": seg.is_signed(),
        "footer_length": seg.footer_len,
    });
    let detail = match h.seg_type {
        seg::WASM => Some(wasm(seg.payload)),
        seg::SPARSE => Some(sparse(seg.payload)),
        seg::VEC => Some(vectors(seg.payload)),
        seg::META => Some(meta(seg.payload)),
        _ => None,
    };
    if let Some(d) = detail {
        v["detail"] = d;
    }
    v
}

fn wasm(p: &[u8]) -> Value {
    match WasmSegment::parse(p) {
        Err(e) => json!({ "error": e.to_string() }),
        Ok(w) => {
            let h = w.header;
            json!({
                "role": role_name(h.role).to_string(),
                "target": target_name(h.target).to_string(),
                "required_features": Features(h.required_features).to_string(),
                "required_features_bits": h.required_features,
                "export_count": h.export_count,
                "bytecode_size": h.bytecode_size,
                "compression": rvf_spec::format::compression_name(h.compression),
                "compressed_size": h.compressed_size,
                "min_memory_pages": h.min_memory_pages,
                "max_memory_pages": h.max_memory_pages,
                "table_count": h.table_count,
                "bootstrap_priority": h.bootstrap_priority,
                "interpreter_type": h.interpreter_type,
                "bytecode_hash": hex(&h.bytecode_hash),
                "bytecode_hash_status": w.bytecode_hash_status().label(),
            })
        }
    }
}

fn sparse(p: &[u8]) -> Value {
    match SparseMatrix::parse(p) {
        Err(e) => json!({ "error": e.to_string() }),
        Ok(m) => {
            let h = m.header;
            json!({
                "rows": h.rows, "cols": h.cols, "nnz": h.nnz,
                "symmetric": m.has(flags::SYMMETRIC),
                "has_transpose": m.has(flags::HAS_TRANSPOSE),
                "has_rhs": m.has(flags::HAS_RHS),
                "dominance_margin": if m.has(flags::DOMINANCE_KNOWN) { json!(h.dominance_margin) } else { Value::Null },
            })
        }
    }
}

fn vectors(p: &[u8]) -> Value {
    match VectorSegment::parse(p) {
        Err(e) => json!({ "error": e.to_string() }),
        Ok(v) => json!({ "dim": v.dim, "count": v.count }),
    }
}

fn meta(p: &[u8]) -> Value {
    match meta_seg::decode(p) {
        Err(e) => json!({ "error": e.to_string() }),
        Ok(m) => {
            // Label entries are summarised (they can hold millions of names).
            let mut labels = Vec::new();
            for r in &m.file_metadata {
                if let (Some((t, first)), MetadataValue::String(v)) =
                    (rvf_spec::labels::parse_key(&r.key), &r.value)
                {
                    let n = v.matches(rvf_spec::labels::SEPARATOR).count() as u64 + 1;
                    let of = match t {
                        rvf_spec::labels::Target::Vectors => "vector rows".to_string(),
                        rvf_spec::labels::Target::Matrix(d) => format!("nodes of matrix {d}"),
                    };
                    labels.push(json!({"of": of, "first": first, "count": n}));
                }
            }
            let kv: serde_json::Map<String, Value> = m
                .file_metadata
                .iter()
                .filter(|r| rvf_spec::labels::parse_key(&r.key).is_none())
                .map(|r| {
                    let v = match &r.value {
                        MetadataValue::String(s) => json!(s),
                        MetadataValue::I64(x) => json!(x),
                        MetadataValue::U64(x) => json!(x),
                        MetadataValue::F64(x) => json!(x),
                        MetadataValue::Bool(x) => json!(x),
                        MetadataValue::Bytes(b) => {
                            json!(format!("{} bytes: {}", b.len(), hex(&b[..b.len().min(16)])))
                        }
                        MetadataValue::Null => Value::Null,
                        MetadataValue::DeleteField => json!("(deleted)"),
                    };
                    (r.key.clone(), v)
                })
                .collect();
            json!({ "generation": m.generation, "snapshot": m.full_snapshot,
                    "entries": kv, "labels": labels, "records": m.records.len() })
        }
    }
}

/// File-level facts.
pub fn file(f: &RvfFile<'_>) -> Value {
    let m = f.manifest();
    json!({
        "file_length": f.len(),
        "dialect": f.dialect().name(),
        "signed_root_page": f.has_root_page(),
        "manifest": {
            "offset": m.offset,
            "segment_id": m.header.segment_id,
            "epoch": m.manifest.epoch,
            "dimension": m.manifest.dimension,
            "total_vectors": m.manifest.total_vectors,
            "metric_id": m.manifest.metric_id,
            "metric": metric_from_manifest(m.manifest.metric_id).map(|x| x.name()),
            "deleted": m.manifest.deleted_ids.len(),
            "file_id": m.manifest.file_identity.map(|fi| hex(&fi.file_id)),
            "hash_status": f.manifest_segment().map(|s| s.hash_status().label()).unwrap_or("unreadable"),
            "rejected_newer_candidates": m.rejected_newer,
        },
    })
}

/// A one-line summary of a segment's detail for tables.
pub fn detail_line(v: &Value) -> String {
    let Some(d) = v.get("detail") else {
        return String::new();
    };
    if let Some(e) = d.get("error") {
        return format!("ERROR: {}", e.as_str().unwrap_or(""));
    }
    match v["type"].as_str() {
        Some("WASM") => format!(
            "{} {} features={} exports={} mem={}..{} pages prio={}{} bytecode={}",
            d["role"].as_str().unwrap_or(""),
            d["target"].as_str().unwrap_or(""),
            d["required_features"].as_str().unwrap_or(""),
            d["export_count"],
            d["min_memory_pages"],
            // A maximum of 0 means the module states none.
            match d["max_memory_pages"].as_u64() {
                Some(0) | None => "\u{221e}".to_string(),
                Some(m) => m.to_string(),
            },
            d["bootstrap_priority"],
            match d["compression"].as_str() {
                Some("none") | None => String::new(),
                Some(c) => format!(" {c} {}→{} bytes", d["compressed_size"], d["bytecode_size"]),
            },
            d["bytecode_hash_status"].as_str().unwrap_or(""),
        ),
        Some("SPARSE") => format!(
            "{}x{} nnz={}{}{}{}",
            d["rows"],
            d["cols"],
            d["nnz"],
            if d["symmetric"] == true {
                " symmetric"
            } else {
                ""
            },
            if d["has_transpose"] == true {
                " +transpose"
            } else {
                ""
            },
            if d["has_rhs"] == true { " +rhs" } else { "" },
        ),
        Some("VEC") => format!("{} vectors of dim {}", d["count"], d["dim"]),
        Some("META") => {
            let entries: Vec<String> = d["entries"]
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| match v.as_str() {
                            Some(s) => format!("{k}={s}"),
                            None => format!("{k}={v}"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let records = d["records"].as_u64().unwrap_or(0);
            let mut line = entries.join(" ");
            for l in d["labels"].as_array().into_iter().flatten() {
                line.push_str(&format!(
                    "{}{} labels of {}{}",
                    if line.is_empty() { "" } else { " " },
                    l["count"],
                    l["of"].as_str().unwrap_or(""),
                    if l["first"] == 0 {
                        String::new()
                    } else {
                        format!(" from {}", l["first"])
                    },
                ));
            }
            if d["snapshot"] == false {
                line.push_str(&format!(" (delta, generation {})", d["generation"]));
            }
            if records > 0 {
                line.push_str(&format!(" (+{records} records)"));
            }
            line
        }
        _ => String::new(),
    }
}
