//! Documentation generated from the clap definitions themselves: shell
//! completions (`rvf-pack completions bash`) and the man page (`rvf-pack
//! man`), so they can never disagree with `--help`.

use super::{CmdResult, Failure};
use clap::{Args, CommandFactory, ValueEnum};
use rvf_spec::exit::Exit;
use std::io::Write;

/// Print shell completions for rvf-pack
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  rvf-pack completions bash > ~/.local/share/bash-completion/completions/rvf-pack\n  rvf-pack completions zsh > \"${fpath[1]}/_rvf-pack\"\n  rvf-pack completions fish > ~/.config/fish/completions/rvf-pack.fish"
)]
pub struct CompletionsArgs {
    /// The shell to write completions for
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Shells clap_complete writes for.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

pub fn completions(a: CompletionsArgs) -> CmdResult {
    use clap_complete::Shell as S;
    let shell = match a.shell {
        Shell::Bash => S::Bash,
        Shell::Zsh => S::Zsh,
        Shell::Fish => S::Fish,
        Shell::Elvish => S::Elvish,
        Shell::Powershell => S::PowerShell,
    };
    let mut cmd = super::Cli::command();
    clap_complete::generate(shell, &mut cmd, "rvf-pack", &mut std::io::stdout());
    Ok(Exit::Ok)
}

/// Print the man page (roff) for rvf-pack
#[derive(Args, Debug)]
#[command(after_help = "Example:\n  rvf-pack man > rvf-pack.1 && man ./rvf-pack.1")]
pub struct ManArgs {}

pub fn man(_: ManArgs) -> CmdResult {
    let mut out = Vec::new();
    clap_mangen::Man::new(super::Cli::command())
        .render(&mut out)
        .map_err(|e| Failure::new(Exit::Io, e.to_string()))?;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&out)
        .map_err(|e| Failure::new(Exit::Io, e.to_string()))?;
    Ok(Exit::Ok)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    /// Every subcommand, argument and flag says what it is (`--help` and
    /// the man page are generated from these words).
    #[test]
    fn every_argument_has_help() {
        let cmd = super::super::Cli::command();
        let mut missing = Vec::new();
        for sub in cmd.get_subcommands() {
            if sub.get_about().is_none() {
                missing.push(format!("{}: no about", sub.get_name()));
            }
            for arg in sub.get_arguments() {
                if arg.get_id() == "help" || arg.get_id() == "version" {
                    continue;
                }
                let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
                if help.trim().is_empty() {
                    missing.push(format!("{} {}", sub.get_name(), arg.get_id()));
                }
            }
        }
        assert!(missing.is_empty(), "arguments without help: {missing:?}");
    }
}
