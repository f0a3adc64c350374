//! Running the `smmd` binary from the command-line tests.

// each test file uses its own part of this module
#![allow(dead_code)]

use std::process::Command;

/// What one run of `smmd` gave.
pub struct Out {
    pub ok: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Run `smmd` with `args` and collect its exit status and output.
pub fn smmd(args: &[&str]) -> Out {
    let o = Command::new(env!("CARGO_BIN_EXE_smmd"))
        .args(args)
        .output()
        .expect("run smmd");
    Out {
        ok: o.status.success(),
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}
