//! The guide is checked like code: every example in README.md, CONTRIBUTING.md,
//! ARCHITECTURE.md and docs/*.md must work.
//!
//! - A ```yaml block loads through emend's own loader for the file its info
//!   string names (```yaml site.yaml, meta.yaml, corrections.yaml,
//!   annotations.yaml, dictionary.yaml, strings); a block naming no file
//!   must at least be valid YAML. Blocks tagged `example=NAME` (with a
//!   ```text original.txt example=NAME block) form an article that must
//!   build: every `find` and `quote` resolves against that original.
//! - Every `emend <command> --flag` written in code (blocks and inline code,
//!   also as `cargo run -- <command>`) names a command and options that exist
//!   in the command line's definition; a complete command line in a shell or
//!   console block must parse as a whole. Every command and option is
//!   documented in docs/cli.md.
//! - Every relative link and `#anchor` resolves (anchors as GitHub makes
//!   them from headings).
//!
//! Each check is shown to fail on a broken example at the end of the file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use emend::content::{ArticleTexts, Format};
use emend::diagnostics::{Diagnostics, render_human};
use emend::source::SourceFile;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Pages other helpers are writing at the same time: the index may link to
/// them (without an anchor) before they exist. Remove a name once its page
/// is in the repository.
const PENDING_PAGES: &[&str] = &["docs/edition-page.md"];

/// The Markdown files of the guide, relative to the repository.
fn guide_files() -> Vec<String> {
    let mut files: Vec<String> = ["README.md", "CONTRIBUTING.md", "ARCHITECTURE.md"]
        .iter()
        .filter(|f| repo().join(f).is_file())
        .map(|f| f.to_string())
        .collect();
    let mut docs: Vec<String> = std::fs::read_dir(repo().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// One piece of a Markdown file worth checking.
#[derive(Debug)]
enum Item {
    /// A fenced code block: its info string, text and first line.
    Block {
        info: String,
        text: String,
        line: usize,
    },
    /// Inline code.
    Code { text: String, line: usize },
    /// A link or image target.
    Link { target: String, line: usize },
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

fn items(text: &str) -> Vec<Item> {
    let mut out = Vec::new();
    let mut block: Option<(String, String, usize)> = None;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let line = line_of(text, range.start);
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                block = Some((info, String::new(), line));
            }
            Event::Text(t) if block.is_some() => block.as_mut().unwrap().1.push_str(&t),
            Event::End(TagEnd::CodeBlock) => {
                let (info, text, line) = block.take().unwrap();
                out.push(Item::Block { info, text, line });
            }
            Event::Code(t) => out.push(Item::Code {
                text: t.to_string(),
                line,
            }),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                out.push(Item::Link {
                    target: dest_url.to_string(),
                    line,
                })
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                for attr in ["href=\"", "src=\""] {
                    for (i, _) in h.match_indices(attr) {
                        let rest = &h[i + attr.len()..];
                        if let Some(end) = rest.find('"') {
                            out.push(Item::Link {
                                target: rest[..end].to_string(),
                                line,
                            });
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The anchors GitHub gives a Markdown file's headings (and explicit
/// `<a id>`/`<a name>` and `{#id}` anchors).
fn anchors(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut heading: Option<String> = None;
    for event in Parser::new_ext(text, options()) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => {
                if let Some(id) = id {
                    out.insert(id.to_string());
                }
                heading = Some(String::new());
            }
            Event::Text(t) | Event::Code(t) if heading.is_some() => {
                heading.as_mut().unwrap().push_str(&t)
            }
            Event::End(TagEnd::Heading(_)) => {
                let slug = github_slug(&heading.take().unwrap());
                let n = seen.entry(slug.clone()).or_insert(0);
                out.insert(if *n == 0 {
                    slug.clone()
                } else {
                    format!("{slug}-{n}")
                });
                *n += 1;
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                for attr in ["id=\"", "name=\""] {
                    for (i, _) in h.match_indices(attr) {
                        let rest = &h[i + attr.len()..];
                        if let Some(end) = rest.find('"') {
                            out.insert(rest[..end].to_string());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// GitHub's heading anchor: lowercase; letters, digits, `-` and `_` kept;
/// spaces to `-`; everything else dropped.
fn github_slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------- YAML

/// Loads a YAML example through the loader its tag names; the problems, as
/// emend would print them, if it does not load.
fn load_yaml(kind: &str, text: &str) -> Result<(), String> {
    let path = Path::new(kind);
    let file = SourceFile::from_bytes(path, text.as_bytes().to_vec()).map_err(|d| d.one_line())?;
    let mut out = Diagnostics::new();
    let loaded = match kind {
        "site.yaml" => emend::config::SiteConfig::parse(Path::new("."), &file, &mut out).is_some(),
        "meta.yaml" => emend::content::parse_meta(&file, &mut out).is_some(),
        "corrections.yaml" => emend::content::parse_corrections(&file, &mut out).is_some(),
        "annotations.yaml" => emend::content::parse_annotations(&file, &mut out).is_some(),
        "dictionary.yaml" => emend::suggest::Dictionary::builtin(&mut out).is_some_and(|mut d| {
            d.add_file(&file, emend::suggest::dictionary::Source::Site, &mut out)
        }),
        "strings" => {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir(dir.path().join("strings")).unwrap();
            std::fs::write(dir.path().join("strings/en.yaml"), text).unwrap();
            emend::theme::Strings::load("en", &[&dir.path().join("strings")], &mut out).is_some()
        }
        "" => {
            return emend::yaml::YamlIndex::parse(text, &emend::yaml::LIMITS)
                .map(drop)
                .map_err(|e| format!("{e:?}"));
        }
        other => return Err(format!("unknown YAML kind `{other}`")),
    };
    if loaded && !out.has_errors() {
        Ok(())
    } else {
        Err(render_human(&out.sorted(), false))
    }
}

const YAML_KINDS: &[&str] = &[
    "site.yaml",
    "meta.yaml",
    "corrections.yaml",
    "annotations.yaml",
    "dictionary.yaml",
    "strings",
];

/// The file kind and the example group named by an info string such as
/// `yaml corrections.yaml example=story`.
fn tags(info: &str) -> (Option<&str>, Option<&str>) {
    let mut kind = None;
    let mut example = None;
    for word in info.split_whitespace().skip(1) {
        if let Some(name) = word.strip_prefix("example=") {
            example = Some(name);
        } else if kind.is_none() {
            kind = Some(word);
        }
    }
    (kind, example)
}

/// An article made of the blocks of one `example=` group.
#[derive(Default)]
struct Example {
    original: Option<(String, Format)>,
    meta: Option<String>,
    corrections: Option<String>,
    annotations: Option<String>,
    at: String,
}

fn yaml_problems(file: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut examples: BTreeMap<String, Example> = BTreeMap::new();
    for item in items(text) {
        let Item::Block { info, text, line } = item else {
            continue;
        };
        let lang = info.split_whitespace().next().unwrap_or("");
        let (kind, example) = tags(&info);
        let at = format!("{file}:{line}");
        if lang == "yaml" || lang == "yml" {
            let kind = kind.unwrap_or("");
            if !kind.is_empty() && !YAML_KINDS.contains(&kind) {
                problems.push(format!(
                    "{at}: ```yaml {kind}: unknown kind; use one of {YAML_KINDS:?} or none"
                ));
                continue;
            }
            if let Err(e) = load_yaml(kind, &text) {
                let tag = if kind.is_empty() {
                    String::new()
                } else {
                    format!(" {kind}")
                };
                problems.push(format!(
                    "{at}: the ```yaml{tag} example does not load:\n{e}"
                ));
            }
        }
        if let Some(name) = example {
            let ex = examples.entry(name.to_string()).or_default();
            ex.at = at.clone();
            match kind {
                Some("original.txt") => ex.original = Some((text, Format::Text)),
                Some("original.md") => ex.original = Some((text, Format::Markdown)),
                Some("meta.yaml") => ex.meta = Some(text),
                Some("corrections.yaml") => ex.corrections = Some(text),
                Some("annotations.yaml") => ex.annotations = Some(text),
                other => problems.push(format!(
                    "{at}: example={name} on a block that is no article file ({other:?})"
                )),
            }
        }
    }
    for (name, ex) in examples {
        let Some((original, format)) = &ex.original else {
            problems.push(format!(
                "{}: example={name} has no ```text original.txt example={name} block",
                ex.at
            ));
            continue;
        };
        let meta = ex.meta.clone().unwrap_or_else(|| "title: Example\n".into());
        let texts = ArticleTexts {
            slug: "example",
            format: *format,
            original: original.as_bytes(),
            meta: meta.as_bytes(),
            corrections: ex.corrections.as_deref().map(str::as_bytes),
            annotations: ex.annotations.as_deref().map(str::as_bytes),
        };
        let mut out = Diagnostics::new();
        let built = emend::content::article_from_texts(&texts, &mut out).and_then(|article| {
            match emend::engine::resolve(&article) {
                Ok(_) => Some(()),
                Err(errs) => {
                    out.extend(errs.iter().map(|e| e.to_diagnostic()));
                    None
                }
            }
        });
        if built.is_none() || out.has_errors() {
            problems.push(format!(
                "{file}: example={name} does not build:\n{}",
                render_human(&out.sorted(), false)
            ));
        }
    }
    problems
}

#[test]
fn every_yaml_example_loads() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in guide_files() {
        let text = std::fs::read_to_string(repo().join(&file)).unwrap();
        checked += text.matches("```yaml").count();
        problems.extend(yaml_problems(&file, &text));
    }
    assert!(checked >= 10, "only {checked} YAML examples found");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

// ---------------------------------------------------------------- commands

/// Splits a command line into words (quotes removed), up to a comment or
/// the next command.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '#') if !in_word => break,
            (None, ';' | '&' | ')') if !in_word || word.is_empty() => break,
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(word);
    }
    out
}

/// The emend arguments of each command line in `text`: after `emend`, or
/// after `cargo run … --`.
fn command_lines(text: &str) -> Vec<Vec<String>> {
    let mut lines = Vec::new();
    let joined = text.replace("\\\n", " ");
    let segments = joined.lines().flat_map(|line| {
        line.split(" && ")
            .flat_map(|s| s.split("; "))
            .flat_map(|s| s.split(" | "))
            .map(str::to_string)
            .collect::<Vec<_>>()
    });
    for line in segments {
        let line = line.trim_start().trim_start_matches("$ ");
        let ws = words(line);
        // A command starts the line (after `VAR=value` assignments): `emend`
        // elsewhere is prose or output ("Created a new emend site…").
        let i = ws
            .iter()
            .take_while(|w| w.contains('=') && !w.starts_with('-'))
            .count();
        if ws.get(i).is_some_and(|w| w == "emend") && i + 1 < ws.len() {
            lines.push(ws[i + 1..].to_vec());
        } else if ws.get(i).is_some_and(|w| w == "cargo")
            && ws.get(i + 1).is_some_and(|w| w == "run")
            && let Some(dash) = ws[i..].iter().position(|w| w == "--")
            && !ws[i..i + dash]
                .iter()
                .any(|w| w == "--example" || w == "--bin" || w == "-p")
        {
            lines.push(ws[i + dash + 1..].to_vec());
        }
    }
    lines
}

/// What is wrong with an emend command line, if anything. `whole`: it must
/// also parse as given (it has no placeholders).
fn command_problem(args: &[String], whole: bool) -> Option<String> {
    let cli = emend::cli::command();
    // The command: the first word that is neither an option nor the value
    // of a global option (`--root DIR`).
    let takes_value = |flag: &str| {
        cli.get_arguments().any(|a| {
            a.get_action().takes_values()
                && (a.get_long().is_some_and(|l| flag == format!("--{l}"))
                    || a.get_short().is_some_and(|s| flag == format!("-{s}")))
        })
    };
    let mut first = None;
    let mut skip = false;
    for a in args {
        if skip {
            skip = false;
        } else if a.starts_with('-') {
            skip = !a.contains('=') && takes_value(a);
        } else {
            first = Some(a);
            break;
        }
    }
    let first = first?;
    let flags_of = |cmd: &clap::Command| -> BTreeSet<String> {
        let mut set = BTreeSet::new();
        for arg in cmd.get_arguments().chain(cli.get_arguments()) {
            if let Some(l) = arg.get_long() {
                set.insert(format!("--{l}"));
            }
            if let Some(s) = arg.get_short() {
                set.insert(format!("-{s}"));
            }
        }
        set.extend(["--help", "-h", "--version", "-V"].map(String::from));
        set
    };
    let Some(sub) = cli.find_subcommand(first) else {
        // A placeholder such as <command>, or what `--version` prints.
        if first.starts_with('<')
            || first.starts_with('[')
            || first == "…"
            || first.starts_with(|c: char| c.is_ascii_digit())
        {
            return None;
        }
        return Some(format!("`emend {first}`: no such command"));
    };
    let flags = flags_of(sub);
    for a in args {
        if a == "--" {
            break;
        }
        let a = a.trim_start_matches('[').trim_end_matches([']', ',', '.']);
        if a.starts_with("--") || (a.starts_with('-') && a.len() == 2 && a != "-") {
            let name = a.split('=').next().unwrap();
            if !flags.contains(name) {
                return Some(format!("`emend {first} {name}`: no such option"));
            }
        }
    }
    if whole {
        let parsed = cli
            .try_get_matches_from(std::iter::once("emend".to_string()).chain(args.iter().cloned()));
        if let Err(e) = parsed
            && !matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            )
        {
            let first_line = e.to_string();
            let first_line = first_line.lines().next().unwrap_or("");
            return Some(format!(
                "`emend {}` does not parse: {first_line}",
                args.join(" ")
            ));
        }
    }
    None
}

/// Whether a command line is written to be run as it is (no placeholders).
fn literal(args: &[String]) -> bool {
    !args.iter().any(|a| {
        a.contains('<') || a.contains('[') || a.contains('…') || a.contains("...") || a == "|"
    })
}

fn command_problems(file: &str, text: &str) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let mut seen = 0;
    for item in items(text) {
        let (code, line, shell) = match item {
            Item::Block { info, text, line } => {
                let lang = info.split_whitespace().next().unwrap_or("").to_string();
                let shell = matches!(lang.as_str(), "sh" | "console" | "shell" | "bash");
                if !(shell || lang.is_empty() || lang == "text") {
                    continue;
                }
                (text, line, shell)
            }
            Item::Code { text, line } => (text, line, false),
            Item::Link { .. } => continue,
        };
        // In a console block only `$ ` lines are commands; the rest is
        // their output (checked for options only).
        let console: Vec<String> = code
            .lines()
            .filter(|l| l.trim_start().starts_with("$ "))
            .map(String::from)
            .collect();
        let is_console = !console.is_empty();
        let mut lines: Vec<(Vec<String>, bool)> = command_lines(&code)
            .into_iter()
            .map(|args| (args, shell && !is_console))
            .collect();
        if is_console {
            let commands = command_lines(&console.join("\n"));
            for (args, whole) in &mut lines {
                *whole = commands.contains(args);
            }
        }
        for (args, whole) in lines {
            seen += 1;
            let whole = whole && literal(&args);
            if let Some(p) = command_problem(&args, whole) {
                problems.push(format!("{file}:{line}: {p}"));
            }
        }
    }
    (problems, seen)
}

#[test]
fn every_command_in_the_guide_exists() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for file in guide_files() {
        let text = std::fs::read_to_string(repo().join(&file)).unwrap();
        let (p, n) = command_problems(&file, &text);
        problems.extend(p);
        seen += n;
    }
    assert!(seen >= 30, "only {seen} command lines found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_command_and_option_is_documented_in_cli_md() {
    let text = std::fs::read_to_string(repo().join("docs/cli.md")).unwrap();
    let cli = emend::cli::command();
    let mut missing = Vec::new();
    for arg in cli.get_arguments() {
        if let Some(l) = arg.get_long()
            && !text.contains(&format!("--{l}"))
        {
            missing.push(format!("--{l}"));
        }
    }
    for sub in cli.get_subcommands() {
        let name = sub.get_name();
        if name == "help" {
            continue;
        }
        if !text.contains(&format!("emend {name}")) {
            missing.push(format!("emend {name}"));
        }
        for arg in sub.get_arguments() {
            if let Some(l) = arg.get_long()
                && !arg.is_global_set()
                && !text.contains(&format!("--{l}"))
            {
                missing.push(format!("emend {name} --{l}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/cli.md does not mention: {missing:?}"
    );
}

// ---------------------------------------------------------------- links

fn link_problems(file: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let dir = Path::new(file).parent().unwrap_or(Path::new(""));
    for item in items(text) {
        let Item::Link { target, line } = item else {
            continue;
        };
        if target.contains("://") || target.starts_with("mailto:") {
            continue;
        }
        let at = format!("{file}:{line}");
        let (path, anchor) = match target.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (target.as_str(), None),
        };
        if path.is_empty() {
            if let Some(anchor) = anchor
                && !anchors(text).contains(anchor)
            {
                problems.push(format!("{at}: `{target}`: no heading #{anchor} in {file}"));
            }
            continue;
        }
        let linked = normalize(&dir.join(path));
        let shown = linked.to_string_lossy().replace('\\', "/");
        if !repo().join(&linked).exists() {
            if anchor.is_none() && PENDING_PAGES.contains(&shown.as_str()) {
                continue;
            }
            problems.push(format!("{at}: `{target}`: {shown} does not exist"));
            continue;
        }
        if let Some(anchor) = anchor {
            if !shown.ends_with(".md") {
                continue;
            }
            let linked_text = std::fs::read_to_string(repo().join(&linked)).unwrap();
            if !anchors(&linked_text).contains(anchor) {
                problems.push(format!("{at}: `{target}`: no heading #{anchor} in {shown}"));
            }
        }
    }
    problems
}

/// `docs/../README.md` → `README.md`.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

#[test]
fn every_relative_link_and_anchor_resolves() {
    let mut problems = Vec::new();
    for file in guide_files() {
        let text = std::fs::read_to_string(repo().join(&file)).unwrap();
        problems.extend(link_problems(&file, &text));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_readme_stays_short_and_links_the_guide() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines < 200,
        "README.md has {lines} lines: move details into docs/"
    );
    for page in [
        "docs/README.md",
        "CONTRIBUTING.md",
        "docs/getting-started.md",
    ] {
        assert!(
            readme.contains(&format!("]({page}")),
            "README.md does not link {page}"
        );
    }
    // Every guide page is reachable from the index.
    let index = std::fs::read_to_string(repo().join("docs/README.md")).unwrap();
    for file in guide_files() {
        if let Some(name) = file.strip_prefix("docs/")
            && name != "README.md"
        {
            assert!(
                index.contains(&format!("]({name}")),
                "docs/README.md does not link {name}"
            );
        }
    }
}

// ---------------------------------------------------------------- the checks can fail

#[test]
fn the_checks_fail_on_broken_examples() {
    // A YAML example with an unknown key, one with a wrong type, and one
    // that is not YAML at all.
    let page = "```yaml site.yaml\ntitle: T\nbase_url: https://example.org/\ncolour: red\n```\n\
                ```yaml corrections.yaml\n- find: a\n  replace: b\n  all: sometimes\n```\n\
                ```yaml\nkey: [unclosed\n```\n\
                ```yaml meta.yaml\ntitle: Fine\n```\n";
    let problems = yaml_problems("x.md", page);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].starts_with("x.md:1: the ```yaml site.yaml example does not load"));
    assert!(
        problems[0].contains("unknown key `colour`"),
        "{}",
        problems[0]
    );
    assert!(problems[1].starts_with("x.md:6: the ```yaml corrections.yaml"));
    assert!(problems[2].starts_with("x.md:11: the ```yaml example does not load"));

    // An example article whose correction does not match its original.
    let page = "```text original.txt example=e\nThe MP mentioned it.\n```\n\
                ```yaml corrections.yaml example=e\n- find: stated\n  replace: said\n```\n";
    let problems = yaml_problems("x.md", page);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("example=e does not build"),
        "{}",
        problems[0]
    );
    assert!(problems[0].contains("find-not-found"), "{}", problems[0]);
    let fixed = page.replace("stated", "mentioned");
    assert_eq!(yaml_problems("x.md", &fixed), Vec::<String>::new());

    // Commands and options that do not exist, and one that does not parse.
    let page = "Run `emend biuld`, or `emend build --draft`.\n\n\
                ```console\n$ emend serve --port eighty\n$ cargo run --release -- check --links --externals\n```\n\
                `emend build --drafts`, `emend new <slug> [--md]` and `emend --version` are fine.\n";
    let (problems, seen) = command_problems("x.md", page);
    assert_eq!(seen, 7);
    assert_eq!(
        problems,
        [
            "x.md:1: `emend biuld`: no such command",
            "x.md:1: `emend build --draft`: no such option",
            "x.md:3: `emend serve --port eighty` does not parse: error: invalid value 'eighty' for '--port <PORT>': invalid digit found in string",
            "x.md:3: `emend check --externals`: no such option",
        ]
    );

    // Links to a missing file and to a missing heading; a pending page is
    // tolerated while it does not exist, but only without an anchor.
    let page = "# A heading\n\n[ok](#a-heading), [gone](#no-heading), [file](docs/none.md), \
                [readme](README.md#emend), [heading](docs/search.md#no-such-heading), \
                [pending](docs/edition-page.md), [pending anchor](docs/edition-page.md#x)\n";
    let problems = link_problems("x.md", page);
    let pending_exists = repo().join("docs/edition-page.md").exists();
    assert_eq!(
        problems,
        [
            "x.md:3: `#no-heading`: no heading #no-heading in x.md",
            "x.md:3: `docs/none.md`: docs/none.md does not exist",
            "x.md:3: `docs/search.md#no-such-heading`: no heading #no-such-heading in docs/search.md",
            if pending_exists {
                "x.md:3: `docs/edition-page.md#x`: no heading #x in docs/edition-page.md"
            } else {
                "x.md:3: `docs/edition-page.md#x`: docs/edition-page.md does not exist"
            },
        ]
    );
}

#[test]
fn github_anchors_are_made_like_githubs() {
    let text = "# emend\n## `site.yaml`\n## The content model\n## Quick start: 2 cores, 5 min\n## Quick start: 2 cores, 5 min\n## `emend init [DIR]`\n";
    let a = anchors(text);
    for expected in [
        "emend",
        "siteyaml",
        "the-content-model",
        "quick-start-2-cores-5-min",
        "quick-start-2-cores-5-min-1",
        "emend-init-dir",
    ] {
        assert!(a.contains(expected), "{expected} not in {a:?}");
    }
}

// ---------------------------------------------------------------- template variables

/// Every key of every template's context, as Tera dumps it
/// (`{{ __tera_context }}`) while building the bundled site.
fn template_keys() -> BTreeMap<String, BTreeSet<String>> {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    std::fs::copy(repo().join("site.yaml"), site.join("site.yaml")).unwrap();
    for entry in walkdir::WalkDir::new(repo().join("content")) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(repo()).unwrap();
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(site.join(rel)).unwrap();
        } else {
            std::fs::copy(entry.path(), site.join(rel)).unwrap();
        }
    }
    let templates = [
        ("index.html", "index.html"),
        ("article.html", "han-dong-two-michaels/index.html"),
        ("reading.html", "han-dong-two-michaels/corrected/index.html"),
        ("glossary.html", "glossary/index.html"),
        ("search.html", "search/index.html"),
        ("404.html", "404.html"),
        ("sitemap.xml", "sitemap.xml"),
        ("robots.txt", "robots.txt"),
    ];
    std::fs::create_dir(site.join("templates")).unwrap();
    for (template, _) in templates {
        std::fs::write(
            site.join("templates").join(template),
            "{{ __tera_context | safe }}",
        )
        .unwrap();
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_emend"))
        .args(["build", "--quiet", "--color", "never"])
        .current_dir(site)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut keys = BTreeMap::new();
    for (template, output) in templates {
        let dump = std::fs::read_to_string(site.join("public").join(output)).unwrap();
        // `{"key": value, …}`: a key is a quoted name followed by `": `.
        let mut found = BTreeSet::new();
        for (i, _) in dump.match_indices("\": ") {
            let name: String = dump[..i]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let before = &dump[..i - name.len()];
            // Not a quoted name inside a string value (`\"name\": `).
            let quoted = before.ends_with('"') && !before.ends_with("\\\"");
            if quoted && !name.is_empty() {
                found.insert(name);
            }
        }
        keys.insert(template.to_string(), found);
    }
    keys
}

#[test]
fn every_template_variable_is_documented_in_themes_md() {
    let themes = std::fs::read_to_string(repo().join("docs/themes.md")).unwrap();
    let keys = template_keys();
    assert!(
        keys["article.html"].contains("rows") && keys["article.html"].contains("same_as_ids"),
        "the dump was not read: {keys:?}"
    );
    let mut missing = Vec::new();
    for (template, names) in &keys {
        for name in names {
            // Documented as `name`, `x.name` or in a list of fields.
            let documented = themes.contains(&format!("`{name}`"))
                || themes.contains(&format!(".{name}`"))
                || themes.contains(&format!(".{name}\\"));
            if !documented {
                missing.push(format!("{template}: {name}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/themes.md does not document: {missing:#?}"
    );
}
