//! `rvf-pack keygen` and `rvf-pack sign`: Ed25519 keys, and signing the
//! segments of an existing file (append-only: signed copies and a new
//! manifest that lists them in the originals' places).

use super::{print_json, CmdResult, Failure};
use clap::Args;
use rvf_pack::signing::{SegmentSigner, Which};
use rvf_spec::exit::Exit;
use rvf_spec::format::{seg, segment_type_name};
use rvf_spec::hex;
use serde_json::json;
use std::path::PathBuf;

/// Make an Ed25519 key pair: NAME.key (secret, mode 0600) and NAME.pub
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  rvf-pack keygen -o alice\n  rvf-pack sign data.rvf --key alice.key\n  rvf-pack run data.rvf cg --trust alice.pub"
)]
pub struct KeygenArgs {
    /// The key files' name: writes NAME.key and NAME.pub (never over existing files)
    #[arg(short, long, value_name = "NAME")]
    pub out: PathBuf,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub fn keygen(a: KeygenArgs) -> CmdResult {
    let (public, key, public_path) = rvf_pack::keys::generate(&a.out)?;
    let id = hex::encode(&loader::signature::key_id(&public));
    if a.json {
        print_json(
            &json!({"secret_key": key, "public_key": public_path, "key_id": id,
                           "public_key_hex": hex::encode(&public)}),
        );
    } else {
        println!(
            "wrote {} (secret, mode 0600) and {}",
            key.display(),
            public_path.display()
        );
        println!("key id {id}");
    }
    Ok(Exit::Ok)
}

/// Sign segments of an RVF file with an Ed25519 key (append-only)
#[derive(Args, Debug)]
#[command(
    after_help = "By default the solver segments (WASM) are signed; --all signs every segment but the\n\
manifest, --segment N the ones named. Each is written again, signed (rvf-crypto's segment\n\
footer format, with a SHAKE-256 content hash), and a new manifest lists the signed copy in\n\
the original's place; the original bytes stay in the file, unlisted.\n\n\
Examples:\n  rvf-pack sign data.rvf --key alice.key\n  rvf-pack sign data.rvf --key alice.key --all\n  rvf-pack sign data.rvf --key alice.key --segment 2"
)]
pub struct SignArgs {
    /// The RVF file
    pub file: PathBuf,
    /// The secret key (NAME.key from `rvf-pack keygen`; must not be readable by others)
    #[arg(long, value_name = "NAME.key")]
    pub key: PathBuf,
    /// Sign this directory index (repeatable); default: every WASM segment (code)
    #[arg(long, value_name = "N", conflicts_with = "all")]
    pub segment: Vec<usize>,
    /// Sign every segment but the manifest (data too)
    #[arg(long)]
    pub all: bool,
    /// Sign segments whose content hash is unset (the signature then vouches
    /// for bytes no hash checked: only for files you made yourself)
    #[arg(long)]
    pub allow_unhashed: bool,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

pub fn sign(a: SignArgs) -> CmdResult {
    let seed = rvf_pack::keys::read_secret(&a.key)?;
    let signer = SegmentSigner::new(&seed, Which::All);
    let lock = super::lock_for_writing(&a.file)?;
    let indices = {
        let map = loader::MappedFile::open(lock.path())?;
        let file = super::parse_rvf(lock.path(), &map)?;
        let dir = file.directory();
        if let Some(&n) = a.segment.iter().find(|&&n| n >= dir.len()) {
            return Err(Failure::usage(format!(
                "--segment {n}: the directory lists {} segments",
                dir.len()
            )));
        }
        let chosen: Vec<usize> = if !a.segment.is_empty() {
            a.segment.clone()
        } else {
            (0..dir.len())
                .filter(|&i| dir[i].seg_type != seg::MANIFEST)
                .filter(|&i| a.all || dir[i].seg_type == seg::WASM)
                .collect()
        };
        if chosen.is_empty() {
            return Err(Failure::usage(
                "nothing to sign: the file has no solver segments (--all signs data too)",
            ));
        }
        chosen
    };
    let out = rvf_pack::writer::sign_segments(&lock, &indices, &signer, a.allow_unhashed)?;
    let id = hex::encode(&loader::signature::key_id(&signer.public_key()));
    if a.json {
        print_json(&json!({"file": a.file, "key_id": id, "epoch": out.epoch,
            "signed": indices.iter().zip(&out.new_entries).map(|(i, e)| json!({
                "segment": i, "type": segment_type_name(e.seg_type).to_string(),
                "offset": e.offset, "segment_id": e.segment_id})).collect::<Vec<_>>()}));
    } else {
        for (i, e) in indices.iter().zip(&out.new_entries) {
            println!(
                "signed segment {i} ({}) with key {id}: now at offset {}, segment id {}",
                segment_type_name(e.seg_type),
                e.offset,
                e.segment_id
            );
        }
        println!("epoch {}", out.epoch);
    }
    Ok(Exit::Ok)
}
