//! The pure core stays pure: no file under `src/core` may use Bevy, the file system,
//! the process environment or process-wide mutable state.

use std::path::{Path, PathBuf};

/// What the core must not use, with why (the message a violation prints).
const FORBIDDEN: &[(&str, &str)] = &[
    ("bevy", "Bevy belongs to the plugins above the core"),
    (
        "std::fs",
        "files come in through the evaluation context's FileSource",
    ),
    (
        "fs::",
        "files come in through the evaluation context's FileSource",
    ),
    (
        "File::open",
        "files come in through the evaluation context's FileSource",
    ),
    ("std::env", "the core takes its settings as arguments"),
    (
        "std::thread::spawn",
        "parallel work goes through the context's Executor",
    ),
    ("static mut", "no global state in the core"),
    ("OnceLock", "no global state in the core"),
    ("LazyLock", "no global state in the core"),
    ("AtomicUsize", "no global state in the core"),
    ("AtomicU64", "no global state in the core"),
];

/// The one scoped exception: the scene parser lends its registry to serde's visitors for
/// the length of one `Scene::parse` call (serde derives cannot take a seed).
const ALLOWED: &[(&str, &str)] = &[("scene/parse.rs", "thread_local")];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every use of a forbidden item in the Rust files under `root`, as `file:line: item (why)`.
/// Comments are skipped, so a doc comment may still talk about them.
fn violations(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let rel = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for (item, why) in FORBIDDEN {
                if code.contains(item) {
                    found.push(format!("{rel}:{}: {item} ({why})", n + 1));
                }
            }
            if code.contains("thread_local") && !ALLOWED.contains(&(rel.as_str(), "thread_local")) {
                found.push(format!(
                    "{rel}:{}: thread_local (no global state in the core)",
                    n + 1
                ));
            }
        }
    }
    found
}

#[test]
fn the_core_uses_no_bevy_no_files_and_no_global_state() {
    let core = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
    let found = violations(&core);
    assert!(
        found.is_empty(),
        "the pure core must stay pure:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_purity_check_catches_a_deliberate_violation() {
    let dir = crate::util::tempdir("purity");
    std::fs::create_dir_all(dir.join("ops")).unwrap();
    std::fs::write(
        dir.join("ops/bad.rs"),
        "// std::fs in a comment is fine\nuse bevy::prelude::*;\nfn f() { let _ = std::fs::read(\"x\"); }\n",
    )
    .unwrap();
    let found = violations(&dir);
    assert_eq!(
        found,
        [
            "ops/bad.rs:2: bevy (Bevy belongs to the plugins above the core)",
            "ops/bad.rs:3: std::fs (files come in through the evaluation context's FileSource)",
            "ops/bad.rs:3: fs:: (files come in through the evaluation context's FileSource)",
        ]
    );
}
