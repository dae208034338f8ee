//! The `emend` command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use emend::diagnostics::{self, ColorMode, Diagnostic};
use emend::site::{self, BuildOptions, LinkCheck, Mode, Outcome};

const EXAMPLES: &str = "\
Examples:
  emend build                      build the site in the current folder into public/
  emend build --root my-site --base-url https://user.github.io/project/
  emend check                      validate everything, write nothing
  emend check --format json        diagnostics for editors and CI
  emend check --links              also verify every link and #fragment of the output
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
    #[command(after_help = "The previous output stays untouched unless the whole build succeeds.")]
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
    },
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
        } => {
            let opts = BuildOptions {
                root: cli.root.clone(),
                output,
                base_url,
                drafts,
            };
            let outcome = site::run(&opts, Mode::Build);
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
                            "Built {} article{} ({} pages, {} files{}) in {} ms → {}",
                            s.articles,
                            if s.articles == 1 { "" } else { "s" },
                            s.pages,
                            s.files,
                            if s.drafts_skipped > 0 {
                                format!(", {} drafts skipped", s.drafts_skipped)
                            } else {
                                String::new()
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
        Command::Check {
            format,
            drafts,
            links,
            external,
        } => {
            let opts = BuildOptions {
                root: cli.root.clone(),
                drafts,
                ..Default::default()
            };
            let mode = if links {
                Mode::CheckLinks(LinkCheck { external })
            } else {
                Mode::Check
            };
            let outcome = site::run(&opts, mode);
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
            let errors = shown.iter().filter(|d| d.is_error()).count();
            let line = diagnostics::summary_line(errors, shown.len() - errors);
            if !line.is_empty() {
                eprintln!("{line}");
            }
        }
    }
}
