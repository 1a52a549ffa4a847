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

/// Which module of the folder `dir` imports which (`super::x` and `crate::NAME::x`); a
/// subfolder with a `mod.rs` is one module made of all its files.
fn folder_graph(dir: &Path, crate_path: &str) -> Graph {
    let mut graph = Graph::new();
    let mut modules: BTreeMap<String, Vec<std::path::PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && path.join("mod.rs").is_file() {
            modules.insert(stem, rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") && stem != "mod" {
            modules.insert(stem, vec![path]);
        }
    }
    for (module, files) in &modules {
        let node = graph.entry(module.clone()).or_default();
        for file in files {
            let text = std::fs::read_to_string(file).unwrap();
            for code in code_lines(&text) {
                let named = names_after(code, "super::").chain(names_after(code, crate_path));
                for name in named {
                    if modules.contains_key(name) && name != module {
                        node.insert(name.to_string());
                    }
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
    assert!(graph.contains_key("document") && graph.contains_key("pipeline"));
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

/// The floors of `core/ops`, bottom up, and the floors each may import.
const OPS_FLOORS: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("recipe", &["model"]),
    ("kit", &["model"]),
    ("primitives", &["model", "kit"]),
    ("effects", &["model", "kit"]),
    ("regions", &["model", "kit"]),
    ("plot", &["model", "kit"]),
    ("generative", &["model", "kit"]),
    // Picture modes finish with catalogue ops (a mask is `clip`, edges are `simplify`d).
    ("pictures", &["model", "kit", "effects", "regions"]),
];

/// Every import across floors of the ops folder `ops` that its floor may not make, as
/// "file: floor → floor" lines; also a `crate::ops::Name` flat path inside a floor
/// (it would hide which floor it reaches) and a floor file outside every floor.
fn ops_floor_violations(ops: &Path) -> Vec<String> {
    let floors: Vec<&str> = OPS_FLOORS.iter().map(|(f, _)| *f).collect();
    let mut out = Vec::new();
    for file in rust_files(ops) {
        let rel = file.strip_prefix(ops).unwrap();
        let mut parts = rel.components();
        let first = parts
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .into_owned();
        if parts.next().is_none() {
            // ops/mod.rs gathers the floors and holds the catalogue's list.
            if first != "mod.rs" {
                out.push(format!("{first}: not in a floor"));
            }
            continue;
        }
        let Some((floor, allowed)) = OPS_FLOORS.iter().find(|(f, _)| *f == first) else {
            out.push(format!("{}: not in a floor", rel.display()));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for code in code_lines(&text) {
            // `$crate::ops::` in a macro is resolved where the macro is used.
            let code = code.replace("$crate::", "");
            for name in names_after(&code, "crate::ops::") {
                if name == *floor || allowed.contains(&name) {
                    continue;
                }
                if floors.contains(&name) {
                    out.push(format!("{}: {floor} → {name}", rel.display()));
                } else {
                    out.push(format!(
                        "{}: {floor} → crate::ops::{name} (name the floor)",
                        rel.display()
                    ));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The type names of the ops the catalogue declares (`pub struct X` after `#[op(`).
fn catalogue_op_names(ops: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for file in rust_files(ops) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, _) in text.match_indices("#[op(") {
            if let Some(at) = text[i..].find("pub struct ") {
                let rest = &text[i + at + "pub struct ".len()..];
                let end = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(0);
                // A macro declaring ops (`pub struct $T`) names none itself.
                if end > 0 {
                    names.push(rest[..end].to_string());
                }
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Op type names that code in the model floor mentions.
fn model_naming_ops(ops: &Path) -> Vec<String> {
    let ops_names = catalogue_op_names(ops);
    let mut out = Vec::new();
    for file in rust_files(&ops.join("model")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for code in code_lines(&text) {
            for word in code.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if ops_names.iter().any(|n| n == word) {
                    out.push(format!("{}: {word}", file.display()));
                }
            }
        }
    }
    out
}

fn ops_dir() -> std::path::PathBuf {
    src().join("core/ops")
}

#[test]
fn the_ops_floors_import_only_downwards_and_no_catalogue_folder_imports_another() {
    let ops = ops_dir();
    for (floor, _) in &OPS_FLOORS[..7] {
        assert!(ops.join(floor).join("mod.rs").is_file(), "floor {floor}");
    }
    assert_eq!(ops_floor_violations(&ops), Vec::<String>::new());
    let graph = folder_graph(&ops.join("model"), "crate::ops::model::");
    assert!(graph.contains_key("op") && graph.contains_key("error"));
    assert_eq!(cycles(&graph), Vec::<Vec<String>>::new(), "{graph:#?}");
    // The model never names an op of the catalogue.
    assert!(catalogue_op_names(&ops).len() >= 59);
    assert_eq!(model_naming_ops(&ops), Vec::<String>::new());
}

#[test]
fn a_deliberate_floor_violation_is_reported() {
    let dir = crate::util::tempdir("floors");
    for floor in ["model", "kit", "effects", "regions"] {
        std::fs::create_dir_all(dir.join(floor)).unwrap();
        std::fs::write(dir.join(floor).join("mod.rs"), "").unwrap();
    }
    std::fs::write(dir.join("mod.rs"), "use crate::ops::effects::fill::Fill;\n").unwrap();
    std::fs::write(
        dir.join("model/op.rs"),
        "use crate::ops::kit::noise;\n// use crate::ops::regions::x;\nstruct A(Hatch);\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("kit/noise.rs"),
        "use crate::ops::model::op::Op;\nmacro_rules! m { () => { $crate::ops::Value } }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("effects/fill.rs"),
        "use crate::ops::regions::clip::Clip;\nuse crate::ops::kit::noise;\nuse crate::ops::FillRule;\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("regions/clip.rs"),
        "crate::op! {\n    #[op(effect, name = \"hatch\", version = 1)]\n    pub struct Hatch {}\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("stray.rs"), "").unwrap();
    let sep = std::path::MAIN_SEPARATOR;
    assert_eq!(
        ops_floor_violations(&dir),
        vec![
            format!("effects{sep}fill.rs: effects → crate::ops::FillRule (name the floor)"),
            format!("effects{sep}fill.rs: effects → regions"),
            format!("model{sep}op.rs: model → kit"),
            "stray.rs: not in a floor".to_string(),
        ]
    );
    assert_eq!(catalogue_op_names(&dir), vec!["Hatch".to_string()]);
    assert_eq!(model_naming_ops(&dir).len(), 1);
}
