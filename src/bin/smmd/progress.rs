//! The progress bar of long runs: an observer of the library's progress
//! callback, drawn on stderr only when stderr is a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar over `total` steps, or nothing (with `--quiet`, or when
/// stderr is not a terminal).
pub struct Bar(Option<ProgressBar>);

impl Bar {
    /// A bar counting `what` up to `total`.
    pub fn new(total: usize, what: &str, quiet: bool) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let pb = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        let template =
            format!("{{bar:40}} {{pos}}/{{len}} {what} ({{elapsed}}, eta {{eta}}) {{msg}}");
        if let Ok(style) = ProgressStyle::with_template(&template) {
            pb.set_style(style);
        }
        Bar(Some(pb))
    }

    /// Record that `done` steps are finished (callable from any thread).
    pub fn update(&self, done: usize) {
        if let Some(pb) = &self.0 {
            // callbacks from several threads may arrive out of order
            if done as u64 > pb.position() {
                pb.set_position(done as u64);
            }
        }
    }

    /// Show `text` after the counter (for example the current MMD²).
    pub fn message(&self, text: &str) {
        if let Some(pb) = &self.0 {
            pb.set_message(text.to_string());
        }
    }

    /// Remove the bar from the terminal.
    pub fn finish(&self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }
}
