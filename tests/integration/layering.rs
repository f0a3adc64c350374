//! The module layering of the library: every module uses only modules
//! below it, so there is no cycle and each idea can be read from the
//! bottom up. The order (as the crate docs give it):
//!
//! ```text
//! error, float, rng, special, linalg, points, statistic
//!   -> directions -> kernel -> sort1d -> estimator -> two_sample | flow -> io | plot
//! ```
//!
//! Directions come before kernels because the sliced kernel is built on
//! given directions. Modules on the same level (`two_sample` and `flow`, `io` and `plot`) do
//! not use each other. The test reads the sources: every `crate::NAME` on a
//! line of code (comments are skipped) is a use of module `NAME`, or of the
//! module that the crate root re-exports `NAME` from.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// `(module, level)`, from the bottom.
const LAYERS: &[(&str, usize)] = &[
    ("error", 0),
    ("float", 1),
    ("rng", 2),
    ("special", 3),
    ("linalg", 4),
    ("points", 5),
    ("statistic", 6),
    ("directions", 7),
    ("kernel", 8),
    ("sort1d", 9),
    ("estimator", 10),
    ("two_sample", 11),
    ("flow", 11),
    ("io", 12),
    ("plot", 12),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The root re-exports: `pub use module::{A, B}` in lib.rs, name -> module.
fn reexports(lib: &str) -> HashMap<String, String> {
    let mut map = HashMap::new();
    let mut stmt = String::new();
    for line in lib.lines() {
        let t = line.trim();
        if stmt.is_empty() && !t.starts_with("pub use ") {
            continue;
        }
        stmt.push_str(t);
        stmt.push(' ');
        if !t.ends_with(';') {
            continue;
        }
        let body = stmt
            .trim_start_matches("pub use ")
            .trim_end()
            .trim_end_matches(';');
        if let Some((module, names)) = body.split_once("::") {
            let names = names.trim_matches(|c| c == '{' || c == '}' || c == ' ');
            for name in names.split(',') {
                let name = name.trim();
                if !name.is_empty() {
                    map.insert(name.to_string(), module.trim().to_string());
                }
            }
        }
        stmt.clear();
    }
    map
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a source file belongs to (`None` for lib.rs and
/// the binary).
fn module_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(src()).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    if first == "bin" || first == "lib.rs" {
        return None;
    }
    Some(first.trim_end_matches(".rs").to_string())
}

/// The names used as `crate::NAME` on the code lines of `text`.
fn crate_uses(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(pos) = rest.find("crate::") {
            let after = &rest[pos + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((i + 1, name));
            } else if let Some(braced) = after.strip_prefix('{') {
                // use crate::{a, b::c}
                let inner = braced.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let head: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !head.is_empty() {
                        out.push((i + 1, head));
                    }
                }
            }
            rest = after;
        }
    }
    out
}

#[test]
fn modules_use_only_the_modules_below_them() {
    let lib = fs::read_to_string(src().join("lib.rs")).expect("lib.rs");
    let roots = reexports(&lib);
    let level: HashMap<&str, usize> = LAYERS.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut checked = 0;
    let mut violations = Vec::new();
    for path in &files {
        let Some(module) = module_of(path) else {
            continue;
        };
        let Some(&own) = level.get(module.as_str()) else {
            violations.push(format!("{}: module {module} has no layer", path.display()));
            continue;
        };
        let text = fs::read_to_string(path).expect("source file");
        for (line, name) in crate_uses(&text) {
            let target = if level.contains_key(name.as_str()) {
                name.clone()
            } else if let Some(m) = roots.get(&name) {
                m.clone()
            } else {
                // a root macro or item that is no module: nothing to check
                continue;
            };
            if target == module {
                continue;
            }
            checked += 1;
            let theirs = level[target.as_str()];
            if theirs >= own {
                violations.push(format!(
                    "{}:{line}: {module} (level {own}) uses {target} (level {theirs})",
                    path.display()
                ));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "layering broken:\n{}",
        violations.join("\n")
    );
    // the scan saw the crate's real dependencies (a broken parser that finds
    // nothing would pass the check above vacuously)
    assert!(checked > 50, "only {checked} cross-module uses found");
}

#[test]
fn every_module_of_the_crate_has_a_layer() {
    let lib = fs::read_to_string(src().join("lib.rs")).expect("lib.rs");
    let level: HashMap<&str, usize> = LAYERS.iter().copied().collect();
    let mut declared = 0;
    for line in lib.lines() {
        let t = line.trim();
        let decl = t
            .strip_prefix("pub mod ")
            .or_else(|| t.strip_prefix("mod "))
            .and_then(|r| r.strip_suffix(';'));
        if let Some(name) = decl {
            declared += 1;
            assert!(level.contains_key(name), "module {name} is not in LAYERS");
        }
    }
    assert_eq!(
        declared,
        LAYERS.len(),
        "lib.rs declares other modules than LAYERS lists"
    );
}

#[test]
fn the_scanner_sees_uses_and_skips_comments() {
    let text = "use crate::error::Result;\n// crate::flow in a comment\nuse crate::{kernel::Riesz, points};\nlet x = crate::special::ln_gamma(1.0); // crate::io\n";
    let names: Vec<String> = crate_uses(text).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["error", "kernel", "points", "special"]);
}
