//! `--solver PATH[,key=value...]`: a module's path and its header options.
//!
//! Options are taken from the end: trailing comma-separated parts that are
//! `role=`, `target=`, `priority=`, `features=`, `interpreter=` or `compress=`
//! are options; everything before them is the path, commas included. A path
//! that exists as written is never split.

use rvf_pack::payload::SolverOptions;
use rvf_pack::PackError;
use rvf_spec::format as fmt_spec;
use std::path::PathBuf;

const KEYS: [&str; 6] = [
    "role",
    "target",
    "priority",
    "features",
    "interpreter",
    "compress",
];

/// Split `spec` into the path and its options.
pub fn parse(spec: &str) -> Result<(PathBuf, SolverOptions), PackError> {
    let usage = |m: String| PackError::Usage(format!("--solver {spec}: {m}"));
    let mut o = SolverOptions::default();
    if std::path::Path::new(spec).exists() {
        return Ok((PathBuf::from(spec), o));
    }
    let parts: Vec<&str> = spec.split(',').collect();
    let is_option = |p: &str| p.split_once('=').is_some_and(|(k, _)| KEYS.contains(&k));
    let n_opts = parts.iter().rev().take_while(|p| is_option(p)).count();
    let path = parts[..parts.len() - n_opts].join(",");
    for kv in &parts[parts.len() - n_opts..] {
        let (k, v) = kv.split_once('=').unwrap_or_default();
        match k {
            "role" => {
                o.role = fmt_spec::role_from_name(v)
                    .ok_or_else(|| usage(format!("unknown role '{v}'")))?
            }
            "target" => {
                o.target = fmt_spec::target_from_name(v)
                    .ok_or_else(|| usage(format!("unknown target '{v}'")))?
            }
            "priority" => {
                o.priority = v
                    .parse()
                    .map_err(|_| usage(format!("priority '{v}' is not 0..=255")))?
            }
            "compress" => {
                o.compression = match v {
                    "none" => 0,
                    "lz4" => 1,
                    "zstd" => 2,
                    _ => return Err(usage(format!("compress '{v}' is not none, lz4 or zstd"))),
                }
            }
            "interpreter" => {
                o.interpreter_type = v
                    .parse()
                    .map_err(|_| usage(format!("interpreter '{v}' is not 0..=255")))?
            }
            _ => {
                let mut bits = 0u16;
                for f in v.split('+').filter(|f| !f.is_empty() && *f != "none") {
                    bits |= fmt_spec::feature_from_name(f)
                        .ok_or_else(|| usage(format!("unknown feature '{f}'")))?;
                }
                o.declared_features = Some(bits);
            }
        }
    }
    if path.is_empty() {
        return Err(usage("missing path".into()));
    }
    Ok((PathBuf::from(path), o))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn options_come_from_the_end_and_commas_stay_in_paths() {
        let (p, o) = parse("a,b.wasm,priority=3,features=simd+bulk-memory").unwrap();
        assert_eq!(p.to_str(), Some("a,b.wasm"));
        assert_eq!((o.priority, o.declared_features), (3, Some(3)));
        let (p, o) = parse("dir,x=1/k.wasm").unwrap();
        assert_eq!(p.to_str(), Some("dir,x=1/k.wasm"));
        assert_eq!(o.priority, 0);
        let (p, o) = parse("k.wasm,role=combined,target=bare-tile").unwrap();
        assert_eq!((p.to_str(), o.role, o.target), (Some("k.wasm"), 2, 4));
        assert!(parse("k.wasm,role=kernel").is_err());
        assert!(parse(",role=combined").is_err());
        assert!(parse("k.wasm,priority=300").is_err());
        assert_eq!(parse("k.wasm,compress=zstd").unwrap().1.compression, 2);
        assert_eq!(parse("k.wasm,compress=lz4").unwrap().1.compression, 1);
        assert!(parse("k.wasm,compress=gzip").is_err());
    }
}
