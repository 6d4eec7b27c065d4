//! `rvf-pack`: the command line of rvf-boot. Argument parsing and output
//! only; all work happens in the `rvf_pack`, `rvf_host` and `loader` libraries.

mod cli;

fn main() -> std::process::ExitCode {
    quiet_on_closed_pipe();
    cli::main()
}

/// `rvf-pack inspect big.rvf | head` must end quietly when `head` closes
/// the pipe, not panic in `println!`: restore the default SIGPIPE action
/// (Rust sets it to "ignore"), so a write to a closed pipe ends the process
/// silently, as it does for other Unix tools.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to SIG_DFL at start-up, before
    // any thread exists; no handler code runs.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
