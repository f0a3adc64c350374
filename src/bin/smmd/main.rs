//! `smmd`: the MMD of two sample files, its gradient, a two-sample test and
//! particle flows, from the command line.
//!
//! ```text
//! smmd mmd  X Y [--kernel riesz|gaussian|laplace] [--r R] [--sigma S]
//!               [--estimator auto|naive|sliced|features] [--slices P] [--features D]
//!               [--directions iid|orthogonal|sobol|hadamard] [--unbiased] [--repeat K]
//!               [--seed S] [--dtype f32|f64] [--threads T] [--json]
//! smmd grad X Y [estimator options] --out G.npy [--repeat K] [--seed S] [--dtype ..]
//!               [--threads T] [--json]
//! smmd test X Y [--permutations B] [--alpha A] [--unbiased] [--quiet]
//!               [estimator options] [--seed S] [--dtype ..] [--threads T] [--json]
//! smmd flow (--target Y | --demo NAME) [--particles N] [--steps S] [--slices P]
//!               [--step-size T] [--optimizer gd|momentum|adam] [--momentum M]
//!               [--image WxH[xC]] --out DIR [--seed S] [--dtype ..] [--threads T] [--json]
//! ```
//!
//! Every error is one line on stderr (`error: ...`) and a non-zero exit
//! code: 2 for a command line that does not parse (an unknown option or
//! name, a value that is not a number, a count of 0 that only the command
//! line knows), 1 otherwise, including values that the library rejects
//! when the command builds its objects (`--r 3`, `--slices 0`, ...).

mod args;
mod commands;
mod errors;
mod flow;
mod output;
mod pictures;
mod progress;

use std::io::Write;
use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};

use crate::args::Cli;

/// Print one error line on stderr.
fn error_line(msg: &str) {
    let line = msg.split_whitespace().collect::<Vec<_>>().join(" ");
    let _ = writeln!(std::io::stderr().lock(), "error: {line}");
}

/// A clap error as one line: its message and any tip, without the usage.
fn clap_message(e: &clap::Error) -> String {
    if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        || e.kind() == ErrorKind::MissingSubcommand
    {
        let mut names: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        let last = names.pop().unwrap_or_default();
        return format!(
            "a subcommand is required: {} or {last} (see 'smmd --help')",
            names.join(", ")
        );
    }
    let text = e.render().to_string();
    let mut parts = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with("Usage:") {
            break;
        }
        if line.is_empty() || line.starts_with("For more information") {
            continue;
        }
        parts.push(
            line.strip_prefix("error:")
                .unwrap_or(line)
                .trim()
                .to_string(),
        );
    }
    if parts.is_empty() {
        return "invalid command line (see 'smmd --help')".to_string();
    }
    let mut msg = String::new();
    for part in parts {
        if !msg.is_empty() {
            msg += if msg.ends_with(':') || part.starts_with('[') {
                " "
            } else {
                "; "
            };
        }
        msg += &part;
    }
    msg
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        error_line(&format!("internal error: {payload}{place}"));
    }));

    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            _ => {
                error_line(&clap_message(&e));
                return ExitCode::from(2);
            }
        },
    };
    match commands::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            error_line(&msg);
            ExitCode::FAILURE
        }
    }
}
