//! The `emend` command line: a thin layer over the library.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use emend::diagnostics::{self, Code, ColorMode, Diagnostic, Diagnostics, display_path};
use emend::progress::TerminalProgress;
use emend::scaffold::{self, NewArticle, Original};
use emend::serve::{self, DEFAULT_PORT, ServeOptions};
use emend::site::{self, BuildOptions, Outcome, Tasks};
use emend::suggest;

// Builds allocate many small strings per article; mimalloc is markedly faster
// than the system allocator for that pattern (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXAMPLES: &str = "\
Examples:
  emend init my-site               create a site with an example article
  emend new my-story --from story.txt --title \"The headline\"
  emend serve --open               preview at http://127.0.0.1:1111/, reloading as you edit
  emend build                      build the site in the current folder into public/
  emend build --root my-site --base-url https://user.github.io/project/
  emend check                      validate everything, write nothing
  emend check --format json        diagnostics for editors and CI
  emend suggest my-article         propose corrections (printed as YAML)
  emend suggest my-article --write append them to corrections.yaml for review
  emend check --links              also verify every link and #fragment of the output
  emend check --unreviewed         list every suggestion still marked `status: suggested`
";

/// Publish corrected, annotated editions of garbled articles as a static site.
#[derive(Parser)]
#[command(name = "emend", version, about, after_help = EXAMPLES)]
struct Cli {
    /// The site folder (holding site.yaml)
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print phase timings and more detail
    #[arg(short, long, global = true)]
    verbose: bool,
    /// When to colour diagnostics
    #[arg(long, global = true, value_enum, default_value_t = ColorMode::Auto)]
    color: ColorMode,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: public/)
    #[command(
        after_help = "The previous output stays untouched unless the whole build succeeds. Articles whose files did not change since the last build into the same folder are kept as they are (see docs/build-cache.md); --clean builds everything again."
    )]
    Build {
        /// Output folder (overrides `output_dir` in site.yaml)
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Base URL (overrides `base_url` in site.yaml), e.g. for preview deploys
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Include articles marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Build every article again instead of keeping unchanged ones
        #[arg(long)]
        clean: bool,
    },
    /// Serve the site locally from memory, rebuilding and reloading pages as you edit
    #[command(
        after_help = "Mistakes show in the terminal and on the page while the last good version stays served. Nothing is written to the output folder."
    )]
    Serve {
        /// First port to try; if it is taken, the next free one is used (0: any free port)
        #[arg(long, short, default_value_t = DEFAULT_PORT)]
        port: u16,
        /// Address to listen on (0.0.0.0 makes the preview visible on your network)
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: IpAddr,
        /// Open the site in a browser ($BROWSER, or the system's default)
        #[arg(long)]
        open: bool,
        /// Include articles marked `draft: true`
        #[arg(long)]
        drafts: bool,
    },
    /// Create an article: content/<slug>/ with the original, meta.yaml and commented examples
    #[command(after_help = "Never overwrites: an existing article folder is an error.")]
    New {
        /// The article's folder name and URL: lowercase letters a-z, digits and hyphens
        slug: String,
        /// File holding the article exactly as received (copied byte for byte); `-` reads stdin
        #[arg(long, value_name = "FILE|-")]
        from: Option<PathBuf>,
        /// `title` in meta.yaml (default: the text's first line if it is short, else the slug)
        #[arg(long, value_name = "T")]
        title: Option<String>,
        /// `source` in meta.yaml: the publication, e.g. "Global News"
        #[arg(long, value_name = "S")]
        source: Option<String>,
        /// `source_url` in meta.yaml: address of the original publication
        #[arg(long, value_name = "U")]
        url: Option<String>,
        /// The original is Markdown (original.md); implied by --from FILE.md
        #[arg(long)]
        md: bool,
    },
    /// Create a new site: site.yaml and content/ with a small example article
    #[command(
        after_help = "The default theme is built into emend, so the new site needs no themes/ folder."
    )]
    Init {
        /// Folder to create the site in (default: --root, i.e. the current folder)
        dir: Option<PathBuf>,
    },
    /// Check everything a build checks, writing nothing
    Check {
        /// Output format for diagnostics
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Include articles marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Also render the site (in memory) and check every internal link and #fragment
        #[arg(long)]
        links: bool,
        /// With --links: also request every external http(s) link (network; 15 s timeout each)
        #[arg(long, requires = "links")]
        external: bool,
        /// List every unreviewed suggestion at its entry (default: one summary per article;
        /// `--format json` always lists them)
        #[arg(long)]
        unreviewed: bool,
    },
    /// Explain a diagnostic code, e.g. `emend explain find-not-found`
    #[command(after_help = "Every code is listed in docs/diagnostics.md.")]
    Explain {
        /// The code, as shown in brackets after `error`, `warning` or `note`
        code: String,
    },
    /// Propose corrections for an article, for an editor to review
    #[command(
        after_help = "Sources: the built-in spinner dictionary (plus the site's dictionary.yaml), pattern detectors, and corrections accepted in the site's other articles. Without --write the entries are printed as YAML; with --write they are appended to the article's corrections.yaml marked `status: suggested`."
    )]
    Suggest {
        /// The article (its folder name under content/)
        slug: String,
        /// Append the suggestions to corrections.yaml, marked `status: suggested`
        #[arg(long)]
        write: bool,
        /// Only suggestions at least this confident (0 to 1)
        #[arg(long, value_name = "X", default_value_t = suggest::DEFAULT_MIN_CONFIDENCE, value_parser = parse_confidence)]
        min_confidence: f64,
        /// Do not use the spinner dictionary and pattern detectors
        #[arg(long)]
        no_dictionary: bool,
        /// Do not learn from the site's other articles
        #[arg(long)]
        no_site: bool,
        /// Do not use the plausibility model (entries marked `check: model` are then never suggested)
        #[arg(long)]
        no_model: bool,
    },
}

fn parse_confidence(s: &str) -> Result<f64, String> {
    let x: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(format!("{x} is outside 0 to 1"))
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
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
