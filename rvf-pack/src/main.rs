//! `rvf-pack`: the command line of rvf-boot. Argument parsing and output
//! only; all work happens in the `rvf_pack` and `loader` libraries.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
