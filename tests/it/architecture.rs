//! The layers, kept by a test: the core crate names no terminal crate and nothing of the
//! `tvang` package, its modules depend on one another one way only (no cycle), persisted wording
//! is a leaf, the TUI's views form a tree, and the CLI's subcommands hang under `cli/mod.rs`.
//! docs/architecture.md draws the same picture; when this test fails, the change broke a layer.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const TERMINAL_CRATES: [&str; 5] = ["ratatui", "crossterm", "clap", "indicatif", "signal_hook"];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `.rs` file under `dir`, with its path relative to `dir`.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), text));
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no sources under {}", dir.display());
    out
}

/// The code of a file without its comments and without its unit tests (a `tests` module at the
/// end, or a file of its own named `tests.rs`): what the build of the library uses.
fn code(path: &Path, text: &str) -> String {
    if path.file_stem().is_some_and(|s| s == "tests") {
        return String::new();
    }
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level module a file belongs to: `store.rs` and `import/pdf.rs` → `store`, `import`.
fn top_module(path: &Path) -> String {
    let first = path
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The names after `prefix::` in `code`, also inside `prefix::{a, b::c}`.
fn named_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices(prefix) {
        // `crate::x`, not `my_crate::x`.
        if code[..i]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let rest = &code[i + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for part in group.split(',') {
                let name = ident(part.trim());
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Which top-level modules of a crate each one uses.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let files = sources(src);
    let modules: BTreeSet<String> = files
        .iter()
        .map(|(p, _)| top_module(p))
        .filter(|m| m != "lib" && m != "main")
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for (path, text) in &files {
        let from = top_module(path);
        let Some(uses) = graph.get_mut(&from) else {
            continue;
        };
        for to in named_after(&code(path, text), "crate::") {
            if to != from && modules.contains(&to) {
                uses.insert(to);
            }
        }
    }
    graph
}

/// A cycle in the graph, if there is one, as the path that closes it.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|n| n == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in &graph[node] {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|start| visit(start, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_core_manifest_has_no_terminal_crate() {
    let manifest = std::fs::read_to_string(repo().join("crates/tvang-core/Cargo.toml")).unwrap();
    let manifest: toml::Table = manifest.parse().unwrap();
    let dependencies = manifest["dependencies"].as_table().unwrap();
    assert!(dependencies.len() > 10, "{dependencies:?}");
    for name in dependencies.keys() {
        let name = name.replace('-', "_");
        assert!(
            !TERMINAL_CRATES.contains(&name.as_str()) && name != "tvang",
            "tvang-core depends on {name}"
        );
    }
}

#[test]
fn no_core_module_names_a_terminal_crate_or_the_tvang_package() {
    let src = repo().join("crates/tvang-core/src");
    for (path, text) in sources(&src) {
        let code = code(&path, &text);
        for name in TERMINAL_CRATES
            .iter()
            .chain(&["tvang", "crate::tui", "crate::cli"])
        {
            let named = !named_after(&code, &format!("{name}::")).is_empty()
                || code.contains(&format!("use {name};"));
            assert!(!named, "{} names {name}", path.display());
        }
    }
    // sled stays inside the store: the rest of the core reads the store's types.
    for (path, text) in sources(&src) {
        if top_module(&path) != "store" {
            assert!(
                named_after(&code(&path, &text), "sled::").is_empty(),
                "{} names sled",
                path.display()
            );
        }
    }
    // The check sees a use where there is one.
    let used = "use ratatui::widgets::Paragraph;\nfn f() { crate::tui::state::App::new() }";
    assert!(!named_after(used, "ratatui::").is_empty());
    assert_eq!(
        named_after(used, "crate::"),
        BTreeSet::from(["tui".to_string()])
    );
}

#[test]
fn the_core_modules_depend_on_one_another_one_way_only() {
    let graph = module_graph(&repo().join("crates/tvang-core/src"));
    assert!(graph.len() > 20, "{graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("the core's modules form a cycle: {}", cycle.join(" → "));
    }
    // Leaves: they use no other module of the core, or only those listed.
    let allowed: [(&str, &[&str]); 6] = [
        ("time", &[]),
        ("fold", &[]),
        ("quiet_panics", &[]),
        // Persisted wording: part of the data format, below everything but the clock.
        ("audit_text", &["time"]),
        ("model", &["fold", "time"]),
        ("selection", &["review", "triage"]),
    ];
    for (module, may_use) in allowed {
        let uses = &graph[module];
        let extra: Vec<_> = uses
            .iter()
            .filter(|u| !may_use.contains(&u.as_str()))
            .collect();
        assert!(extra.is_empty(), "{module} uses {extra:?}");
    }
    // The store sits below the queue, statistics, search and sessions' reports, not above.
    for above in [
        "queue",
        "stats",
        "search",
        "session_report",
        "text",
        "import",
        "tui",
    ] {
        assert!(!graph["store"].contains(above), "store uses {above}");
    }
    // And the cycle finder finds one.
    let mut looped = graph.clone();
    looped.get_mut("time").unwrap().insert("store".into());
    assert!(find_cycle(&looped).is_some());
}

#[test]
fn the_tui_views_form_a_tree_and_the_cli_subcommands_hang_under_cli_mod() {
    let tui = repo().join("src/tui");
    let uses = |file: &str| -> BTreeSet<String> {
        let path = Path::new(file);
        let text = std::fs::read_to_string(tui.join(path)).unwrap();
        let code = code(path, &text);
        named_after(&code, "super::")
            .into_iter()
            .chain(named_after(&code, "crate::tui::"))
            .collect()
    };
    let view = uses("view.rs");
    assert!(
        view.contains("detail") && view.contains("stats_view"),
        "{view:?}"
    );
    for child in ["detail.rs", "stats_view.rs"] {
        let used = uses(child);
        for other in ["view", "detail", "stats_view", "run"] {
            assert!(!used.contains(other), "{child} uses {other}");
        }
    }
    for leaf in ["theme.rs", "screen.rs", "action.rs"] {
        assert!(uses(leaf).is_empty(), "{leaf} uses {:?}", uses(leaf));
    }
    // The state does not draw.
    for file in ["state/mod.rs", "state/search.rs", "state/session.rs"] {
        let used = uses(file);
        for view in ["view", "detail", "stats_view", "run"] {
            assert!(!used.contains(view), "{file} uses {view}");
        }
    }
    // A subcommand uses its siblings (output, args, settings, another subcommand), never the
    // dispatcher in cli/mod.rs: what it names after `super::` is a file of its own.
    let cli = repo().join("src/cli");
    let files = sources(&cli);
    let siblings: BTreeSet<String> = files.iter().map(|(p, _)| top_module(p)).collect();
    assert!(files.len() > 10, "one file per subcommand: {siblings:?}");
    for (path, text) in &files {
        if path == Path::new("mod.rs") {
            continue;
        }
        let used = named_after(&code(path, text), "super::");
        assert!(
            used.iter().all(|u| siblings.contains(u) && u != "mod"),
            "{} uses {used:?} of cli/mod.rs",
            path.display()
        );
    }
    // cli/mod.rs only parses and dispatches: no subcommand's work is done there.
    let dispatcher = std::fs::read_to_string(cli.join("mod.rs")).unwrap();
    let own_functions =
        dispatcher.matches("\nfn ").count() + dispatcher.matches("\npub fn ").count();
    assert!(
        own_functions <= 3,
        "cli/mod.rs has {own_functions} functions"
    );
}
