//! The layers of `src/` import one way (docs/architecture.md): http → domain → store, search,
//! ingest, agent, scheduling, outbound → model; jobs → domain; app holds the handles and
//! imports no rule; server and cli wire everything. This test reads the sources and fails,
//! naming the file and the import, on any edge against that direction and on any cycle
//! between top-level modules. Unit tests inside a file (after `#[cfg(test)]`) may reach
//! across layers to arrange their scenario, so they are not read.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each top-level module may import, besides itself.
const ALLOWED: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("idle_priority", &[]),
    ("clock", &["error"]),
    ("json", &["error"]),
    ("model", &["error", "clock"]),
    ("data_dir", &["error"]),
    ("config", &["error", "clock", "model"]),
    ("outbound", &["error", "clock", "model", "config"]),
    ("ingest", &["error", "model", "idle_priority"]),
    ("scheduling", &["error", "clock", "model"]),
    ("store", &["error", "clock", "json", "model", "ingest"]),
    (
        "search",
        &[
            "error",
            "clock",
            "model",
            "store",
            "ingest",
            "idle_priority",
        ],
    ),
    (
        "agent",
        &[
            "error",
            "clock",
            "json",
            "model",
            "config",
            "outbound",
            "scheduling",
        ],
    ),
    (
        "app",
        &[
            "error", "clock", "model", "config", "data_dir", "store", "search", "agent", "outbound",
        ],
    ),
    (
        "domain",
        &[
            "app",
            "error",
            "clock",
            "json",
            "model",
            "config",
            "store",
            "search",
            "ingest",
            "agent",
            "scheduling",
            "outbound",
        ],
    ),
    (
        "jobs",
        &[
            "app", "domain", "error", "clock", "model", "config", "store", "search", "outbound",
        ],
    ),
    (
        "http",
        &["app", "domain", "error", "clock", "json", "model", "config"],
    ),
    (
        "server",
        &[
            "app", "domain", "http", "jobs", "error", "clock", "config", "data_dir", "model",
        ],
    ),
    (
        "cli",
        &[
            "app", "domain", "http", "jobs", "server", "error", "clock", "config", "data_dir",
            "model", "store", "search", "ingest", "json", "outbound",
        ],
    ),
];

/// An import of one top-level module by another: where it is and what it says.
struct Import {
    from: String,
    to: String,
    file: PathBuf,
    line: usize,
    text: String,
}

#[test]
fn imports_follow_the_layers_one_way() {
    let imports = read_imports(Path::new("src"));
    let allowed: BTreeMap<&str, BTreeSet<&str>> = ALLOWED
        .iter()
        .map(|(m, to)| (*m, to.iter().copied().collect()))
        .collect();
    let wrong: Vec<String> = imports
        .iter()
        .filter(|i| {
            allowed
                .get(i.from.as_str())
                .is_none_or(|to| !to.contains(i.to.as_str()))
        })
        .map(|i| {
            format!(
                "{}:{}: `{}` imports `{}` against the layers: {}",
                i.file.display(),
                i.line,
                i.from,
                i.to,
                i.text
            )
        })
        .collect();
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
    let modules: BTreeSet<String> = top_level_modules(Path::new("src"));
    let unknown: Vec<&String> = modules
        .iter()
        .filter(|m| !allowed.contains_key(m.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "new top-level modules need a place in ALLOWED: {unknown:?}"
    );
}

#[test]
fn no_cycle_between_top_level_modules() {
    let imports = read_imports(Path::new("src"));
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for i in &imports {
        graph.entry(&i.from).or_default().insert(&i.to);
    }
    if let Some(cycle) = find_cycle(&graph) {
        let witnesses: Vec<String> = cycle
            .windows(2)
            .filter_map(|pair| {
                imports
                    .iter()
                    .find(|i| i.from == pair[0] && i.to == pair[1])
                    .map(|i| format!("{}:{}: {}", i.file.display(), i.line, i.text))
            })
            .collect();
        panic!("cycle {}:\n{}", cycle.join(" → "), witnesses.join("\n"));
    }
}

/// The reader itself: both spellings of an import are found, and a test block is skipped.
#[test]
fn the_reader_sees_plain_grouped_and_nested_imports() {
    let found = imports_in(
        "domain",
        Path::new("src/domain/x.rs"),
        "use crate::store::leads;\nuse crate::{http, search::Index};\nfn f() { crate::jobs::run(); }\n#[cfg(test)]\nmod tests { use crate::cli; }\n",
    );
    let to: Vec<&str> = found.iter().map(|i| i.to.as_str()).collect();
    assert_eq!(to, ["store", "http", "search", "jobs"]);
}

fn find_cycle<'a>(graph: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> Option<Vec<&'a str>> {
    fn visit<'a>(
        node: &'a str,
        graph: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(at) = path.iter().position(|n| *n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node);
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node);
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

fn top_level_modules(src: &Path) -> BTreeSet<String> {
    std::fs::read_dir(src)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            let module = name.strip_suffix(".rs").unwrap_or(&name).to_owned();
            (!matches!(module.as_str(), "main" | "lib")).then_some(module)
        })
        .collect()
}

fn read_imports(src: &Path) -> Vec<Import> {
    let mut files = Vec::new();
    collect_rust_files(src, &mut files);
    files.sort();
    let mut imports = Vec::new();
    for file in files {
        let relative = file.strip_prefix(src).unwrap();
        let first = relative.components().next().unwrap();
        let first = first.as_os_str().to_str().unwrap();
        let module = first.strip_suffix(".rs").unwrap_or(first);
        if matches!(module, "main" | "lib") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        imports.extend(imports_in(module, &file, &text));
    }
    imports
}

fn collect_rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect_rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Every `crate::<module>` a file names (in `use` lines or in paths), outside its tests.
fn imports_in(module: &str, file: &Path, text: &str) -> Vec<Import> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut found = Vec::new();
    for (index, line) in code.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        for target in crate_paths(line) {
            if target != module {
                found.push(Import {
                    from: module.to_owned(),
                    to: target,
                    file: file.to_path_buf(),
                    line: index + 1,
                    text: trimmed.to_owned(),
                });
            }
        }
    }
    found
}

/// The top-level modules a line names after `crate::`, including `crate::{a, b::c}`.
fn crate_paths(line: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in line.match_indices("crate::") {
        let rest = &line[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inside = group.split('}').next().unwrap_or(group);
            names.extend(inside.split(',').filter_map(|part| first_name(part.trim())));
        } else if let Some(name) = first_name(rest) {
            names.push(name);
        }
    }
    names
}

fn first_name(path: &str) -> Option<String> {
    let name: String = path
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty() && name != "self").then_some(name)
}
