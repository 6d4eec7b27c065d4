//! Subcommands: each translates arguments into library calls (`rvf_pack`
//! for writing, `rvf_host` for selecting, running and replaying, `loader`
//! for reading) and results into text or JSON. No rule lives here.

mod args;
mod create;
pub mod describe;
mod docs;
mod extract;
mod host;
mod inspect;
pub mod progress;
mod replay;
mod results;
mod run;
mod select;
mod sign;
mod solver_spec;
mod verify;

use clap::{Parser, Subcommand};
use rvf_pack::PackError;
use rvf_spec::exit::Exit;
use std::process::ExitCode;

/// The exit-code table of `--help`, from its one owner (`rvf_spec::exit`).
pub fn exit_help() -> String {
    rvf_spec::exit::Table.to_string()
}

#[derive(Parser)]
#[command(
    propagate_version = true,
    name = "rvf-pack",
    version,
    about = "Pack data and the WebAssembly solver that processes it into RVF files; inspect, verify and extract them",
    after_help = exit_help()
)]
struct Cli {
    /// No progress output on stderr (it is also off when stderr is not a terminal)
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Create(create::CreateArgs),
    Append(create::AppendArgs),
    Inspect(inspect::InspectArgs),
    Verify(verify::VerifyArgs),
    Extract(extract::ExtractArgs),
    Select(select::SelectArgs),
    Run(run::RunArgs),
    Replay(replay::ReplayArgs),
    Keygen(sign::KeygenArgs),
    Sign(sign::SignArgs),
    Completions(docs::CompletionsArgs),
    Man(docs::ManArgs),
}

/// A failure with the exit code it maps to.
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
        }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Failure::new(Exit::Usage, message)
    }
}

impl From<PackError> for Failure {
    fn from(e: PackError) -> Self {
        let exit = match &e {
            PackError::Input { .. } | PackError::Wasm { .. } => Exit::BadInput,
            PackError::Usage(_) => Exit::Usage,
            PackError::Container(e) => return e.clone().into(),
            PackError::Unverified { unhashed: true, .. } => Exit::Unhashed,
            PackError::Unverified { .. } => Exit::VerifyFailed,
            PackError::Io { .. } => Exit::Io,
        };
        Failure::new(exit, e.to_string())
    }
}

impl From<loader::Error> for Failure {
    fn from(e: loader::Error) -> Self {
        Failure::new(rvf_host::loader_exit(&e), e.to_string())
    }
}

impl From<rvf_host::RunError> for Failure {
    fn from(e: rvf_host::RunError) -> Self {
        Failure::new(e.exit(), e.to_string())
    }
}

pub type CmdResult = Result<Exit, Failure>;

/// Parse a mapped file as RVF; a refusal names the file.
pub fn parse_rvf<'a>(
    path: &std::path::Path,
    map: &'a loader::MappedFile,
) -> Result<loader::RvfFile<'a>, Failure> {
    loader::RvfFile::parse(map.bytes()).map_err(|e| in_file(path, e))
}

/// A container refusal, naming the file it is about.
pub fn in_file(path: &std::path::Path, e: loader::Error) -> Failure {
    let f = Failure::from(e);
    Failure::new(f.exit, format!("{}: {}", path.display(), f.message))
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    progress::set_quiet(cli.quiet);
    let r = match cli.command {
        Command::Create(a) => create::create(a),
        Command::Append(a) => create::append(a),
        Command::Inspect(a) => inspect::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Extract(a) => extract::run(a),
        Command::Select(a) => select::run(a),
        Command::Run(a) => run::run(a),
        Command::Replay(a) => replay::run(a),
        Command::Keygen(a) => sign::keygen(a),
        Command::Sign(a) => sign::sign(a),
        Command::Completions(a) => docs::completions(a),
        Command::Man(a) => docs::man(a),
    };
    match r {
        Ok(code) => ExitCode::from(code.code()),
        Err(f) => {
            eprintln!("rvf-pack: error: {}", f.message);
            ExitCode::from(f.exit.code())
        }
    }
}

/// Lock an existing file for rewriting, saying so on stderr when another
/// writer holds it.
pub fn lock_for_writing(path: &std::path::Path) -> Result<rvf_pack::lock::FileLock, Failure> {
    Ok(rvf_pack::lock::FileLock::acquire(path, || {
        eprintln!(
            "rvf-pack: waiting for another writer of {} to finish",
            path.display()
        )
    })?)
}

/// Print JSON to stdout.
pub fn print_json(v: &serde_json::Value) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}
