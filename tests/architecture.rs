//! The module layout holds: data flows one way, so the import graph between
//! emend's top-level modules has no cycle, and the layers described in
//! ARCHITECTURE.md are respected (a lower module never imports a higher one).
//! Reads `src/` as text: a `use crate::x` or `crate::x::` outside comments and
//! test modules is an import of `x`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Top-level module → the modules it imports.
fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "main" || module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        // Unit tests may use anything.
        let code = text.split("#[cfg(test)]").next().unwrap();
        let imports = graph.entry(module.clone()).or_default();
        for line in code.lines() {
            let line = line.trim_start();
            if line.starts_with("//") {
                continue;
            }
            for (i, _) in line.match_indices("crate::") {
                let rest = &line[i + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    imports.insert(name);
                }
            }
        }
    }
    graph
}

fn reachable(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(m) = stack.pop() {
        for next in graph.get(&m).into_iter().flatten() {
            if seen.insert(next.clone()) {
                stack.push(next.clone());
            }
        }
    }
    seen
}

#[test]
fn the_import_graph_has_no_cycle() {
    let graph = import_graph();
    assert!(graph.len() > 10, "too few modules found: {graph:?}");
    let cyclic: Vec<&String> = graph
        .keys()
        .filter(|m| reachable(&graph, m).contains(*m))
        .collect();
    assert!(
        cyclic.is_empty(),
        "modules on an import cycle: {cyclic:?}\ngraph: {graph:#?}"
    );
}

/// The layers, lowest first (ARCHITECTURE.md). A module may import only
/// modules of its own or a lower layer.
const LAYERS: &[&[&str]] = &[
    &[
        "text",
        "files",
        "folder",
        "diagnostics",
        "source",
        "yaml",
        "anchors",
    ],
    &["config", "content"],
    &["engine"],
    &["render", "theme"],
    &["outputs", "writer", "links"],
    &["suggest"],
    &["site"],
    &["progress", "serve", "scaffold"],
    &["cli"],
];

#[test]
fn no_module_imports_a_higher_layer() {
    let graph = import_graph();
    let layer_of = |m: &str| LAYERS.iter().position(|l| l.contains(&m));
    let mut wrong = Vec::new();
    for (module, imports) in &graph {
        let Some(own) = layer_of(module) else {
            wrong.push(format!(
                "{module} is in no layer: add it to LAYERS and ARCHITECTURE.md"
            ));
            continue;
        };
        for import in imports {
            match layer_of(import) {
                Some(l) if l <= own => {}
                Some(_) => wrong.push(format!("{module} imports {import}, a higher layer")),
                None => wrong.push(format!("{module} imports {import}, which is in no layer")),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn outputs_never_reach_the_orchestrator() {
    let graph = import_graph();
    for module in ["outputs", "render", "engine", "content"] {
        let reach = reachable(&graph, module);
        assert!(!reach.contains("site"), "{module} reaches site: {reach:?}");
    }
}

#[test]
fn the_checks_see_a_cycle_when_there_is_one() {
    // The graph walk itself, on a made-up graph: a → b → c → a is a cycle.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    graph.entry("c".into()).or_default().insert("a".into());
    graph.entry("d".into()).or_default().insert("a".into());
    assert!(reachable(&graph, "a").contains("a"));
    assert!(!reachable(&graph, "d").contains("d"));
    // And the scanner sees real imports: `site` imports `outputs`.
    assert!(import_graph()["site"].contains("outputs"));
}

/// ARCHITECTURE.md's "Modules, by layer" items, one text per numbered item.
fn documented_layers(doc: &str) -> Vec<String> {
    let section = doc
        .split("## Modules, by layer")
        .nth(1)
        .expect("ARCHITECTURE.md has a \"Modules, by layer\" section");
    let section = section.split("\n## ").next().unwrap();
    let mut items: Vec<String> = Vec::new();
    for line in section.lines() {
        let numbered = line
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if numbered {
            items.push(String::new());
        }
        if let Some(item) = items.last_mut() {
            item.push_str(line);
            item.push('\n');
        }
    }
    items
}

/// The layers ARCHITECTURE.md describes are the ones this test enforces, in
/// the same order, and every module of `src/` is described in its layer.
#[test]
fn architecture_md_describes_every_module_in_its_layer() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .unwrap();
    let items = documented_layers(&doc);
    assert_eq!(
        items.len(),
        LAYERS.len(),
        "ARCHITECTURE.md numbers {} layers, the test knows {}",
        items.len(),
        LAYERS.len()
    );
    let mut wrong = Vec::new();
    for (n, (item, layer)) in items.iter().zip(LAYERS).enumerate() {
        for module in *layer {
            if !item.contains(&format!("`{module}`")) {
                wrong.push(format!(
                    "layer {} of ARCHITECTURE.md does not describe `{module}`",
                    n + 1
                ));
            }
        }
    }
    for module in import_graph().keys() {
        if !LAYERS.iter().any(|l| l.contains(&module.as_str())) {
            wrong.push(format!("src/{module} is in no layer"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_layer_reader_sees_a_missing_module() {
    let doc = "# A\n## Modules, by layer\n1. **One.** `text`\n2. **Two.**\n   - `config`\n## Invariants\n3. not a layer\n";
    let items = documented_layers(doc);
    assert_eq!(items.len(), 2);
    assert!(items[0].contains("`text`"));
    assert!(items[1].contains("`config`") && !items[1].contains("`content`"));
}
