//! Modules depend in one direction: no import cycle between graft's top-level modules
//! (the core counts as one), nor between the modules of the Bevy layer `ecs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Names under `crate::` that are the core re-exported at the crate root.
const CORE_ALIASES: &[&str] = &[
    "core", "ops", "geometry", "scene", "edit", "cache", "op", "choice", "field",
];

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The names that follow `prefix` in `code` (`crate::ecs::x` → `ecs` for `crate::`).
fn names_after<'a>(code: &'a str, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    code.match_indices(prefix).filter_map(move |(i, _)| {
        let rest = &code[i + prefix.len()..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    })
}

/// Code of a file without comments (a doc comment may name any module).
fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(|l| l.split("//").next().unwrap_or(""))
}

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Which top-level module imports which, from `crate::` paths in the files under `src`.
/// `lib.rs`, `prelude.rs` and `main.rs` only gather and re-export, so they are left out.
fn top_level_graph(src: &Path) -> Graph {
    let mut graph = Graph::new();
    for file in rust_files(src) {
        let rel = file.strip_prefix(src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if ["lib", "prelude", "main"].contains(&module.as_str()) {
            continue;
        }
        let node = graph.entry(module.clone()).or_default();
        let text = std::fs::read_to_string(&file).unwrap();
        for code in code_lines(&text) {
            for name in names_after(code, "crate::") {
                let target = if CORE_ALIASES.contains(&name) || name.starts_with("__op") {
                    "core"
                } else {
                    name
                };
                if target != module {
                    node.insert(target.to_string());
                }
            }
        }
    }
    graph
}

/// Which module of the folder `dir` imports which (`super::x` and `crate::NAME::x`).
fn folder_graph(dir: &Path, crate_path: &str) -> Graph {
    let mut graph = Graph::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let modules: BTreeSet<String> = files
        .iter()
        .map(|f| f.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|m| m != "mod")
        .collect();
    for file in &files {
        let module = file.file_stem().unwrap().to_string_lossy().into_owned();
        if module == "mod" {
            continue;
        }
        let node = graph.entry(module.clone()).or_default();
        let text = std::fs::read_to_string(file).unwrap();
        for code in code_lines(&text) {
            let named = names_after(code, "super::").chain(names_after(code, crate_path));
            for name in named {
                if modules.contains(name) && name != module {
                    node.insert(name.to_string());
                }
            }
        }
    }
    graph
}

/// Groups of two or more modules that reach each other (each group is one cycle or more).
fn cycles(graph: &Graph) -> Vec<Vec<String>> {
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.to_string()];
        while let Some(n) = stack.pop() {
            for next in graph.get(&n).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reached: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|n| (n, reach(n))).collect();
    let mut groups: Vec<Vec<String>> = Vec::new();
    for a in graph.keys() {
        let group: Vec<String> = graph
            .keys()
            .filter(|b| reached[a].contains(*b) && reached[*b].contains(a))
            .cloned()
            .collect();
        if group.len() > 1 && !groups.contains(&group) {
            groups.push(group);
        }
    }
    groups
}

fn src() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn top_level_modules_have_no_import_cycle() {
    let graph = top_level_graph(&src());
    assert!(graph.contains_key("core") && graph.contains_key("inspector"));
    assert_eq!(cycles(&graph), Vec::<Vec<String>>::new(), "{graph:#?}");
    // The core sits below everything and imports nothing above it.
    assert_eq!(graph["core"], BTreeSet::new());
    for (module, uses) in &graph {
        assert!(
            !uses.contains("app") || module == "sketch",
            "{module} imports app"
        );
    }
}

#[test]
fn ecs_modules_have_no_import_cycle() {
    let graph = folder_graph(&src().join("ecs"), "crate::ecs::");
    assert!(graph.contains_key("document") && graph.contains_key("scene"));
    assert_eq!(cycles(&graph), Vec::<Vec<String>>::new(), "{graph:#?}");
}

#[test]
fn a_deliberate_cycle_is_reported() {
    let dir = crate::util::tempdir("layering");
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::write(dir.join("a/mod.rs"), "use crate::b::Thing;\n").unwrap();
    std::fs::write(
        dir.join("b.rs"),
        "// use crate::c::Ignored;\nuse crate::a::Other;\n",
    )
    .unwrap();
    std::fs::write(dir.join("c.rs"), "use crate::ops::Op;\n").unwrap();
    let graph = top_level_graph(&dir);
    assert_eq!(cycles(&graph), vec![vec!["a".to_string(), "b".to_string()]]);
    assert_eq!(graph["c"], BTreeSet::from(["core".to_string()]));
}
