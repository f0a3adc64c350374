//! The `smmd` command-line tool.
fn main() {}
