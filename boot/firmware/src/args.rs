//! The command line: `FILE METHOD [options] [--then FILE METHOD [options]]...`,
//! the words of `rvf-pack run`, so that a script forwards them unchanged.
//! A request's options (`--tol`, `--source`, `--query-index`, ...) go to
//! `rvf_host::Request::set_option`, which owns their names, parsing and
//! defaults; the host and limit options (`--host-features`, `--segment`,
//! `--fuel`, `--max-memory`, `--allow-unhashed`) become the session's
//! `HostConfig`. Each `--then` starts another job in the same boot (the
//! firmware must outlive a hostile job to run the next).

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use rvf_host::request::OptionError;
use rvf_host::{Method, Request};

/// One run.
pub struct Job<'a> {
    pub file: &'a str,
    pub request: Request,
    pub host: HostOptions<'a>,
    /// Print where the heap goes (engine, compiled module, one instance).
    pub breakdown: bool,
}

/// The host and limit options of `rvf-pack run`.
#[derive(Default)]
pub struct HostOptions<'a> {
    /// `--host-features` mask spec (`none`, `-simd`, ...).
    pub features: Option<&'a str>,
    pub segment: Option<usize>,
    pub fuel: Option<u64>,
    /// `--max-memory`; without it the firmware derives a cap from its heap.
    pub max_memory: Option<u64>,
    pub allow_unhashed: bool,
}

pub const USAGE: &str =
    "usage: FILE METHOD [rvf-pack run options] [--breakdown] [--then FILE METHOD [options]]...";

/// Every job on the command line (QEMU's kernel path already removed).
pub fn parse<'a>(words: &[&'a str]) -> Result<Vec<Job<'a>>, String> {
    words.split(|w| *w == "--then").map(parse_job).collect()
}

fn parse_job<'a>(words: &[&'a str]) -> Result<Job<'a>, String> {
    let [file, method, rest @ ..] = words else {
        return Err("a job needs a FILE and a METHOD".into());
    };
    let method = Method::from_name(method).ok_or_else(|| {
        let names: Vec<&str> = Method::ALL.iter().map(|m| m.name()).collect();
        format!("unknown method '{method}' (one of {})", names.join(", "))
    })?;
    let mut job = Job {
        file,
        request: Request::new(method),
        host: HostOptions::default(),
        breakdown: false,
    };
    let mut it = rest.iter().copied();
    while let Some(word) = it.next() {
        let Some(opt) = word.strip_prefix("--") else {
            return Err(format!("unexpected argument '{word}'"));
        };
        // `--name=value` or `--name value`.
        let (name, inline) = match opt.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (opt, None),
        };
        let mut value = || {
            inline
                .or_else(|| it.next())
                .ok_or_else(|| format!("--{name} needs a value"))
        };
        let h = &mut job.host;
        match name {
            "host-features" => h.features = Some(value()?),
            "segment" => h.segment = Some(number(name, value()?)?),
            "fuel" => h.fuel = Some(number(name, value()?)?),
            "max-memory" => h.max_memory = Some(byte_count(name, value()?)?),
            "allow-unhashed" => h.allow_unhashed = true,
            "breakdown" => job.breakdown = true,
            _ => request_option(&mut job.request, name, inline, &mut it)?,
        }
    }
    Ok(job)
}

/// A request option: an empty value tells a flag (now on) from an option
/// that takes the next word.
fn request_option<'a>(
    r: &mut Request,
    name: &str,
    inline: Option<&str>,
    it: &mut impl Iterator<Item = &'a str>,
) -> Result<(), String> {
    let e = match inline {
        Some(v) => r.set_option(name, v),
        None => match r.set_option(name, "") {
            Err(OptionError::MissingValue(_)) => {
                let v = it.next().ok_or_else(|| format!("--{name} needs a value"))?;
                r.set_option(name, v)
            }
            other => other,
        },
    };
    e.map_err(|e| match e {
        OptionError::Unknown(_) => format!("unknown option '--{name}'"),
        e => e.to_string(),
    })
}

fn number<T: core::str::FromStr>(name: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("--{name} '{v}' is not a whole number"))
}

/// A byte count with an optional K/M/G suffix (powers of 1024), as
/// `rvf-pack run --max-memory` takes it.
fn byte_count(name: &str, v: &str) -> Result<u64, String> {
    let (n, mul) = match v.chars().last() {
        Some('K' | 'k') => (&v[..v.len() - 1], 1u64 << 10),
        Some('M' | 'm') => (&v[..v.len() - 1], 1 << 20),
        Some('G' | 'g') => (&v[..v.len() - 1], 1 << 30),
        _ => (v, 1),
    };
    n.parse::<u64>()
        .ok()
        .and_then(|x| x.checked_mul(mul))
        .ok_or_else(|| format!("--{name} '{v}' is not a byte count (e.g. 256K, 2M)"))
}
