//! The house rules, read from the source: which module may use which. Every `crate::`,
//! `super::` and `self::` path in `src/` (outside test modules and comments) is resolved to
//! the file it names; the rules below are checked on those edges.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Files of the library, by path relative to `src/` (`main.rs`, the binary, is not in it).
fn sources() -> Vec<String> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    out.retain(|f| f != "main.rs");
    out.sort();
    out
}

/// The module path of a file: `http/pages/mod.rs` is `["http", "pages"]`.
fn module_of(file: &str) -> Vec<String> {
    let trimmed = file.trim_end_matches(".rs");
    let mut parts: Vec<String> = trimmed.split('/').map(str::to_owned).collect();
    if matches!(parts.last().map(String::as_str), Some("mod") | Some("lib")) {
        parts.pop();
    }
    parts
}

/// The source without comments and without the test module at the end of the file.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// Expands a `use` tree (`crate::a::{b, c::{self, d}}`) into its paths.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or("").trim();
        return vec![path.trim_end_matches("::self").to_owned()];
    };
    let prefix = tree[..open].trim_end_matches("::");
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| expand(p))
        .map(|p| if p == "self" { prefix.to_owned() } else { format!("{prefix}::{p}") })
        .collect()
}

/// Every path the code names from `crate`, `super` or `self`.
fn paths_in(code: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("use ") {
        let before = rest[..i].chars().last();
        let after = &rest[i + 4..];
        let end = after.find(';').unwrap_or(after.len());
        if before.is_none_or(|c| !c.is_alphanumeric() && c != '_') {
            let tree = after[..end].trim();
            if tree.starts_with("crate::") || tree.starts_with("super::") || tree.starts_with("self::") {
                paths.extend(expand(tree));
            }
        }
        rest = &after[end.min(after.len())..];
    }
    // Paths written inline, such as `crate::notify::work_status(..)`.
    for start in ["crate::", "super::"] {
        let mut rest = code;
        while let Some(i) = rest.find(start) {
            let before = rest[..i].chars().last();
            let tail = &rest[i..];
            let len = tail.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(tail.len());
            if before.is_none_or(|c| !c.is_alphanumeric() && c != '_' && c != ':') && !tail[len..].starts_with('{') {
                paths.push(tail[..len].trim_end_matches(':').to_owned());
            }
            rest = &tail[len.max(1)..];
        }
    }
    paths
}

/// The file a path from `module` names: the longest prefix of it that is a file.
fn resolve(module: &[String], path: &str, files: &BTreeSet<String>) -> Option<String> {
    let mut segments: Vec<String> = Vec::new();
    for (n, part) in path.split("::").enumerate() {
        match (n, part) {
            (0, "crate") => {}
            (_, "super") => {
                if segments.is_empty() && n == 0 {
                    segments = module.to_vec();
                }
                segments.pop();
            }
            (0, "self") => segments = module.to_vec(),
            (_, p) if !p.is_empty() => {
                if n == 0 {
                    return None;
                }
                segments.push(p.to_owned());
            }
            _ => {}
        }
    }
    for k in (1..=segments.len()).rev() {
        let base = segments[..k].join("/");
        for candidate in [format!("{base}.rs"), format!("{base}/mod.rs")] {
            if files.contains(&candidate) {
                return Some(candidate);
            }
        }
    }
    None
}

/// Which file uses which, without a file's uses of itself.
fn edges() -> BTreeMap<String, BTreeSet<String>> {
    let files: BTreeSet<String> = sources().into_iter().collect();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    for file in &files {
        let code = code_of(&std::fs::read_to_string(root.join(file)).unwrap());
        let module = module_of(file);
        let used: BTreeSet<String> =
            paths_in(&code).iter().filter_map(|p| resolve(&module, p, &files)).filter(|target| target != file && target != "lib.rs").collect();
        graph.insert(file.clone(), used);
    }
    graph
}

fn top(file: &str) -> &str {
    file.split('/').next().unwrap_or(file).trim_end_matches(".rs")
}

/// Every edge that breaks `rule`, as "from -> to" lines.
fn broken(graph: &BTreeMap<String, BTreeSet<String>>, rule: impl Fn(&str, &str) -> bool) -> Vec<String> {
    graph.iter().flat_map(|(from, to)| to.iter().filter(|t| !rule(from, t)).map(move |t| format!("{from} -> {t}"))).collect()
}

#[test]
fn the_parser_reads_use_trees_and_inline_paths() {
    let paths = paths_in("use crate::service::{self, accounts as a, curation::{Queue, QueueQuery}};\nlet x = crate::notify::work(1);\nuse super::x;");
    assert_eq!(paths, ["crate::service", "crate::service::accounts", "crate::service::curation::Queue", "crate::service::curation::QueueQuery", "super::x", "crate::notify::work", "super::x"]);
    let files: BTreeSet<String> = ["http/mod.rs", "http/pages/mod.rs", "http/error.rs", "service/mod.rs"].iter().map(|s| s.to_string()).collect();
    let module = module_of("http/pages/accounts.rs");
    assert_eq!(resolve(&module, "super::render", &files).as_deref(), Some("http/pages/mod.rs"));
    assert_eq!(resolve(&module, "crate::http::error::AppError", &files).as_deref(), Some("http/error.rs"));
    assert_eq!(resolve(&module_of("http/pages/mod.rs"), "super::error::AppError", &files).as_deref(), Some("http/error.rs"));
    assert_eq!(resolve(&module, "std::fs", &files), None);
}

#[test]
fn nothing_below_http_uses_it() {
    let graph = edges();
    let below = broken(&graph, |from, to| !to.starts_with("http/") || from.starts_with("http/") || from == "app.rs");
    assert!(below.is_empty(), "only `app` may use `http` from outside it:\n{}", below.join("\n"));
}

#[test]
fn domain_is_plain_rules() {
    let graph = edges();
    let leaks = broken(&graph, |from, to| !from.starts_with("domain/") || to.starts_with("domain/"));
    assert!(leaks.is_empty(), "`domain` uses nothing but itself:\n{}", leaks.join("\n"));
}

#[test]
fn the_database_layer_does_not_use_the_layers_above() {
    let graph = edges();
    let up = broken(&graph, |from, to| !from.starts_with("db/") || !(to.starts_with("service/") || to.starts_with("jobs/") || to.starts_with("notify")));
    assert!(up.is_empty(), "`db` uses neither `service`, `jobs` nor `notify`:\n{}", up.join("\n"));
}

#[test]
fn api_and_pages_never_use_each_other_and_only_the_router_uses_handlers() {
    let graph = edges();
    let family = |f: &str| {
        if f.starts_with("http/api/") {
            Some("api")
        } else if f.starts_with("http/pages/") {
            Some("pages")
        } else if f == "http/media.rs" {
            Some("media")
        } else {
            None
        }
    };
    let crossing = broken(&graph, |from, to| match family(to) {
        None => true,
        Some(handlers) => from == "http/router.rs" || family(from) == Some(handlers),
    });
    assert!(crossing.is_empty(), "handler modules are used only by their own family and the router:\n{}", crossing.join("\n"));
}

/// A cycle in `graph`, if there is one, as the list of its nodes.
fn cycle<N: Ord + Clone + std::fmt::Display>(graph: &BTreeMap<N, BTreeSet<N>>) -> Option<Vec<N>> {
    fn visit<N: Ord + Clone>(node: &N, graph: &BTreeMap<N, BTreeSet<N>>, state: &mut BTreeMap<N, u8>, stack: &mut Vec<N>) -> Option<Vec<N>> {
        state.insert(node.clone(), 1);
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            match state.get(next).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|n| n == next).unwrap_or(0);
                    return Some(stack[from..].to_vec());
                }
                0 => {
                    if let Some(c) = visit(next, graph, state, stack) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.clone(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if state.get(node).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(node, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn no_import_circles_between_files_or_top_level_modules() {
    let graph = edges();
    if let Some(c) = cycle(&graph) {
        panic!("files use each other in a circle: {}", c.join(" -> "));
    }
    let mut modules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in &graph {
        let entry = modules.entry(top(from).to_owned()).or_default();
        entry.extend(to.iter().map(|t| top(t).to_owned()).filter(|t| t != top(from)));
    }
    if let Some(c) = cycle(&modules) {
        panic!("top-level modules use each other in a circle: {}", c.join(" -> "));
    }
}

#[test]
fn a_circle_is_found() {
    let graph: BTreeMap<&str, BTreeSet<&str>> =
        [("a", ["b"].into_iter().collect()), ("b", ["c"].into_iter().collect()), ("c", ["a"].into_iter().collect())].into_iter().collect();
    let found = cycle(&graph.iter().map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())).collect());
    assert_eq!(found, Some(vec!["a".to_string(), "b".to_string(), "c".to_string()]));
}
