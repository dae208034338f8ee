//! The `emend` command line: a thin layer over the library.

use std::path::Path;
use std::process::ExitCode;

use clap::Parser;

use emend::cli::{Cli, Command, Format};
use emend::diagnostics::{self, Code, Diagnostic, Diagnostics, display_path};
use emend::progress::TerminalProgress;
use emend::scaffold::{self, NewArticle, Original};
use emend::serve::{self, ServeOptions};
use emend::site::{self, BuildOptions, Outcome, Tasks};
use emend::suggest;

// Builds allocate many small strings per article; mimalloc is markedly faster
// than the system allocator for that pattern (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Transparent huge pages off for this process. The heap grows in small steps
/// and a first touch of a huge page zeroes all 2 MB of it: an unchanged
/// rebuild of 10,000 articles spent a third of its CPU zeroing pages, and
/// without huge pages takes a quarter less CPU and 15 MB less memory, while a
/// clean build is no slower (BENCHMARKS.md, "Huge pages off").
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integers and touches no memory of
    // ours; on a kernel without it the call fails and nothing changes.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    no_transparent_huge_pages();
    let cli = Cli::parse();
    let color = cli.color.use_color();
    match cli.command {
        Command::Build {
            output,
            base_url,
            drafts,
            clean,
        } => {
            let opts = BuildOptions {
                root: cli.root.clone(),
                output,
                base_url,
                drafts,
                clean,
                list_unreviewed: false,
            };
            let progress = TerminalProgress::for_stderr(cli.quiet);
            let outcome = site::run_with_progress(&opts, Tasks::BUILD, &progress);
            report(&outcome, Format::Human, color, cli.quiet);
            match &outcome.summary {
                Some(s) => {
                    if !cli.quiet {
                        let total = s
                            .timings
                            .iter()
                            .find(|(n, _)| *n == "total")
                            .map(|(_, d)| *d)
                            .unwrap_or_default();
                        eprintln!(
                            "Built {} article{}{} ({} pages, {} files written{}{}) in {} ms → {}",
                            s.articles,
                            if s.articles == 1 { "" } else { "s" },
                            match s.reused {
                                0 => String::new(),
                                n => format!(", {n} unchanged"),
                            },
                            s.pages,
                            s.files,
                            match s.removed {
                                0 => String::new(),
                                n => format!(", {n} removed"),
                            },
                            match s.drafts_skipped {
                                0 => String::new(),
                                1 => ", 1 draft skipped".to_string(),
                                n => format!(", {n} drafts skipped"),
                            },
                            total.as_millis(),
                            s.output
                                .as_ref()
                                .map_or_else(String::new, |p| p.display().to_string())
                        );
                    }
                    if cli.verbose {
                        for (name, d) in &s.timings {
                            eprintln!("  {name:<22} {:>8.1} ms", d.as_secs_f64() * 1000.0);
                        }
                        if !s.kept_site_files.is_empty() {
                            eprintln!("  site files kept: {}", s.kept_site_files.join(", "));
                        }
                    }
                    ExitCode::SUCCESS
                }
                None => ExitCode::FAILURE,
            }
        }
        Command::Serve {
            port,
            bind,
            open,
            drafts,
        } => {
            let opts = ServeOptions {
                root: cli.root.clone(),
                port,
                bind,
                open,
                drafts,
                quiet: cli.quiet,
                verbose: cli.verbose,
                color,
            };
            let mut out = Diagnostics::new();
            if serve::run(&opts, &mut out) {
                ExitCode::SUCCESS
            } else {
                fail(out, color)
            }
        }
        Command::New {
            ref slug,
            ref from,
            ref title,
            ref source,
            ref url,
            md,
        } => {
            let spec = NewArticle {
                slug: slug.clone(),
                original: match from {
                    None => Original::Empty,
                    Some(p) if p == Path::new("-") => Original::Stdin,
                    Some(p) => Original::File(p.clone()),
                },
                title: title.clone(),
                source: source.clone(),
                url: url.clone(),
                markdown: md,
                today: scaffold::today(),
            };
            new_article(&cli, &spec, color)
        }
        Command::Explain { ref code } => explain(code),
        Command::Init { ref dir } => {
            let dir = dir.clone().unwrap_or_else(|| cli.root.clone());
            init_site(&dir, cli.quiet, color)
        }
        Command::Suggest {
            slug,
            write,
            min_confidence,
            no_dictionary,
            no_site,
            no_model,
            thesaurus,
        } => run_suggest(
            &suggest::Request {
                root: cli.root.clone(),
                slug,
                write,
                options: suggest::Options {
                    min_confidence,
                    dictionary: !no_dictionary,
                    site: !no_site,
                    model: !no_model,
                    thesaurus,
                },
            },
            color,
            cli.quiet,
        ),
        Command::Check {
            format,
            drafts,
            links,
            external,
            unreviewed,
        } => {
            let opts = BuildOptions {
                root: cli.root.clone(),
                drafts,
                // Machines get every place; people get a summary unless they ask.
                list_unreviewed: unreviewed || format == Format::Json,
                ..Default::default()
            };
            let tasks = if links {
                Tasks::check_links(external)
            } else {
                Tasks::CHECK
            };
            let progress = TerminalProgress::for_stderr(cli.quiet);
            let outcome = site::run_with_progress(&opts, tasks, &progress);
            report(&outcome, format, color, cli.quiet);
            if let (Some(s), Format::Human, false) = (&outcome.summary, format, cli.quiet) {
                eprintln!(
                    "Checked {} article{}: no errors",
                    s.articles,
                    if s.articles == 1 { "" } else { "s" }
                );
                if let Some(l) = &s.links {
                    eprintln!(
                        "Links: {} internal ({} with #fragment) in {} files resolve; {} external {}",
                        l.internal,
                        l.fragments,
                        l.files,
                        l.external,
                        if l.external_checked {
                            "checked"
                        } else {
                            "not checked (add --external)"
                        }
                    );
                }
            }
            if outcome.summary.is_some() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn explain(name: &str) -> ExitCode {
    let name = name
        .trim()
        .trim_start_matches("error[")
        .trim_start_matches("warning[")
        .trim_start_matches("note[")
        .trim_end_matches(']');
    if let Some(text) = Code::parse(name).and_then(Code::explanation) {
        println!("{text}");
        return ExitCode::SUCCESS;
    }
    let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    match emend::text::did_you_mean(name, &names) {
        Some(s) => eprintln!("error: no diagnostic code `{name}`; did you mean `{s}`?"),
        None => eprintln!("error: no diagnostic code `{name}`; docs/diagnostics.md lists them all"),
    }
    ExitCode::from(2)
}

fn fail(diagnostics: Diagnostics, color: bool) -> ExitCode {
    let diagnostics = diagnostics.sorted();
    diagnostics::eprint(&diagnostics, color);
    eprintln!(
        "{}",
        diagnostics::summary_line(diagnostics::Counts::of(&diagnostics))
    );
    ExitCode::FAILURE
}

fn new_article(cli: &Cli, spec: &NewArticle, color: bool) -> ExitCode {
    let mut out = Diagnostics::new();
    let Some(created) = scaffold::new_article(&cli.root, spec, &mut out) else {
        return fail(out, color);
    };
    if cli.quiet {
        return ExitCode::SUCCESS;
    }
    let dir = display_path(&created.dir);
    println!("Created {dir}/");
    for file in &created.files {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        let what = match name.as_ref() {
            "original.txt" | "original.md" if spec.original == Original::Empty => {
                "empty: paste the article here exactly as received".to_string()
            }
            "original.txt" | "original.md" => format!(
                "the article as received ({} bytes, unchanged)",
                std::fs::metadata(file).map_or(0, |m| m.len())
            ),
            "meta.yaml" => match &created.title_note {
                Some(note) => format!("title and provenance ({note}: check it)"),
                None => "title and provenance".to_string(),
            },
            _ => "commented examples of every key".to_string(),
        };
        println!("  {name:<18} {what}");
    }
    let root = if cli.root == Path::new(".") {
        String::new()
    } else {
        format!(" --root {}", display_path(&cli.root))
    };
    println!("Next:");
    println!("  emend serve{root}      preview it; the page reloads whenever you save");
    println!("  then add corrections to {dir}/corrections.yaml and notes to annotations.yaml");
    println!("  emend check{root}      before publishing: every problem, with file and line");
    ExitCode::SUCCESS
}

fn init_site(dir: &Path, quiet: bool, color: bool) -> ExitCode {
    let mut out = Diagnostics::new();
    let Some(created) = scaffold::init_site(dir, &mut out) else {
        return fail(out, color);
    };
    if quiet {
        return ExitCode::SUCCESS;
    }
    let shown = display_path(&created.dir);
    println!("Created a new emend site in {shown}/:");
    for file in &created.files {
        let rel = file.strip_prefix(&created.dir).unwrap_or(file);
        println!("  {}", rel.display());
    }
    println!("The default theme is built into emend; no themes/ folder is needed.");
    println!("Next:");
    if created.dir != Path::new(".") {
        println!("  cd {shown}");
    }
    println!("  emend serve --open           preview the example edition");
    println!("  emend new <slug> --from FILE add an article of your own");
    ExitCode::SUCCESS
}

fn run_suggest(req: &suggest::Request, color: bool, quiet: bool) -> ExitCode {
    let mut out = Diagnostics::new();
    let Some(report) = suggest::run(req, &mut out) else {
        return fail(out, color);
    };
    if !quiet {
        diagnostics::eprint(&report.warnings, color);
    }
    let path = diagnostics::display_path(&report.path);
    if report.suggestions.is_empty() && report.flags.is_empty() {
        if !quiet {
            eprintln!(
                "No suggestions for `{}` at confidence {:.2} or more.",
                req.slug, req.options.min_confidence
            );
        }
        return ExitCode::SUCCESS;
    }
    // One summary in named units (places and entries) whose parts add up.
    let summary = report.summary();
    if report.written {
        if !quiet {
            eprintln!(
                "Appended {summary} to {path}.\nReview each entry in `emend serve` (accept, edit or reject on the page), or in the file: remove its `status: suggested` line to accept it."
            );
        }
    } else {
        print!("{}", report.yaml);
        if !quiet {
            eprintln!(
                "Suggested for `{}`: {summary}. Review them and paste them into {path}, or rerun with --write.",
                req.slug
            );
        }
    }
    ExitCode::SUCCESS
}

fn report(outcome: &Outcome, format: Format, color: bool, quiet: bool) {
    let shown: Vec<Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| !quiet || d.is_error())
        .cloned()
        .collect();
    match format {
        Format::Json => println!("{}", diagnostics::render_json(&shown)),
        Format::Human => {
            diagnostics::eprint(&shown, color);
            let line = diagnostics::summary_line(diagnostics::Counts::of(&shown));
            if !line.is_empty() {
                eprintln!("{line}");
            }
        }
    }
}
