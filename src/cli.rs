//! The command line's definition (clap): every command, option and help
//! text. `main.rs` runs it; the tests read it through [`command`] (the guide's
//! commands are checked against it).

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::LazyLock;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use crate::content::RESERVED_SLUGS;
use crate::diagnostics::ColorMode;
use crate::serve::DEFAULT_PORT;
use crate::suggest;

/// What `emend --version` prints after the name: the package version and
/// the commit it was built from (`git rev-parse --short HEAD` at build time,
/// else `$EMEND_COMMIT`, else `unknown`).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("EMEND_COMMIT"),
    ")"
);

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

The guide: docs/README.md in emend's repository.";

/// The heading of the options every command takes.
const GLOBAL: &str = "Global options";

/// `new`'s help for the slug, naming the reserved slugs.
static SLUG_HELP: LazyLock<String> = LazyLock::new(|| {
    format!(
        "The article's folder name and URL: lowercase letters a-z, digits and hyphens; not one of the reserved {}",
        RESERVED_SLUGS.join(", ")
    )
});

/// Publish corrected, annotated editions of garbled articles as a static site.
#[derive(Parser)]
#[command(name = "emend", version = VERSION, about, after_help = EXAMPLES)]
pub struct Cli {
    /// The site folder, holding site.yaml
    #[arg(
        long,
        global = true,
        default_value = ".",
        value_name = "DIR",
        help_heading = GLOBAL
    )]
    pub root: PathBuf,
    /// Print only errors
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = GLOBAL
    )]
    pub quiet: bool,
    /// Print phase timings and more detail (with serve: every changed file)
    #[arg(short, long, global = true, help_heading = GLOBAL)]
    pub verbose: bool,
    /// When to colour diagnostics (auto: on a terminal, unless NO_COLOR is set)
    #[arg(long, global = true, value_enum, default_value_t = ColorMode::Auto, help_heading = GLOBAL)]
    pub color: ColorMode,
    /// The command to run
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Subcommand)]
pub enum Command {
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
        /// Open the site in a browser: $BROWSER (a command, with arguments; %s for the URL), else the system's default
        #[arg(long)]
        open: bool,
        /// Include articles marked `draft: true`
        #[arg(long)]
        drafts: bool,
    },
    /// Create an article: content/<slug>/ with the original, meta.yaml and commented examples
    #[command(after_help = "Never overwrites: an existing article folder is an error.")]
    New {
        #[arg(help = SLUG_HELP.as_str())]
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
        /// Folder to create the site in (default: the current folder); `--root DIR` says the same, so give only one
        #[arg(conflicts_with = "root")]
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
        /// Use neither the spinner dictionaries (built-in and the site's dictionary.yaml) nor the pattern detectors (space before punctuation, spintax)
        #[arg(long)]
        no_dictionary: bool,
        /// Do not learn from the site's other articles
        #[arg(long)]
        no_site: bool,
        /// Do not use the plausibility model (entries marked `check: model` are then never suggested)
        #[arg(long)]
        no_model: bool,
        /// Also flag for review (never suggest) places where a thesaurus neighbour of a word no dictionary knows fits far better, by the plausibility model
        #[arg(long, conflicts_with = "no_model")]
        thesaurus: bool,
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

/// `check --format`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Compiler-style messages on stderr.
    Human,
    /// One JSON document on stdout.
    Json,
}

/// The command line as clap sees it: for introspection (every command and
/// option) and for rendering help.
pub fn command() -> clap::Command {
    Cli::command()
}
