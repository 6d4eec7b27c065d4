//! Subcommands: each translates arguments into library calls and results
//! into text or JSON.

mod create;
pub mod describe;
mod extract;
mod inspect;
mod solve;
mod verify;

use clap::{Parser, Subcommand};
use rvf_pack::PackError;
use std::process::ExitCode;

/// Exit codes, one per failure class (documented in `--help`).
pub mod exit {
    pub const OK: u8 = 0;
    pub const VERIFY_FAILED: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const BAD_INPUT: u8 = 3;
    pub const BAD_CONTAINER: u8 = 4;
    pub const IO: u8 = 5;
    pub const NO_SOLVER: u8 = 6;
    pub const REFUSED: u8 = 7;
    pub const OUT_OF_FUEL: u8 = 8;
    pub const MEMORY_LIMIT: u8 = 9;
    pub const STACK: u8 = 10;
    pub const TRAP: u8 = 11;
    pub const SOLVER_REFUSED: u8 = 12;
    pub const NOT_CONVERGED: u8 = 13;
    pub const REPLAY_DIFFERS: u8 = 14;
}

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  verification failed (a hash or payload check did not pass)
  2  usage error (bad arguments)
  3  bad input file (vectors, matrix, right-hand side, or WASM module)
  4  not a readable RVF file (malformed container)
  5  I/O error
  6  no runnable solver segment            7  forced segment refused before execution
  8  out of fuel                           9  memory limit
  10 stack overflow                        11 module trapped / malformed result
  12 the solver refused its input          13 stopped without converging (result written)
  14 replay differs from the receipt";

#[derive(Parser)]
#[command(
    name = "rvf-pack",
    version,
    about = "Pack data and the WebAssembly solver that processes it into RVF files; inspect, verify and extract them",
    after_help = EXIT_CODES
)]
struct Cli {
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
    Select(solve::SelectArgs),
    Run(solve::RunArgs),
    Replay(solve::ReplayArgs),
}

/// A failure with the exit code it maps to.
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl From<PackError> for Failure {
    fn from(e: PackError) -> Self {
        let code = match &e {
            PackError::Input { .. } | PackError::Wasm { .. } => exit::BAD_INPUT,
            PackError::Usage(_) => exit::USAGE,
            PackError::Container(loader::Error::Io { .. }) => exit::IO,
            PackError::Container(_) => exit::BAD_CONTAINER,
            PackError::Io { .. } => exit::IO,
        };
        Failure {
            code,
            message: e.to_string(),
        }
    }
}

impl From<loader::Error> for Failure {
    fn from(e: loader::Error) -> Self {
        PackError::Container(e).into()
    }
}

pub type CmdResult = Result<u8, Failure>;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match cli.command {
        Command::Create(a) => create::create(a),
        Command::Append(a) => create::append(a),
        Command::Inspect(a) => inspect::run(a),
        Command::Verify(a) => verify::run(a),
        Command::Extract(a) => extract::run(a),
        Command::Select(a) => solve::select(a),
        Command::Run(a) => solve::run(a),
        Command::Replay(a) => solve::replay(a),
    };
    match r {
        Ok(code) => ExitCode::from(code),
        Err(f) => {
            eprintln!("rvf-pack: error: {}", f.message);
            ExitCode::from(f.code)
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
