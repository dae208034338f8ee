//! The site-wide layer: a loaded [`Site`] (configuration, theme, highlighter)
//! and the one pipeline every command runs on it ([`pipeline`]): `build`,
//! `check`, `check --links`, `serve` and `suggest` all discover, load and
//! resolve articles through the same steps, so a rule added there holds
//! everywhere. Pages are rendered by [`pages`] from the typed template
//! contexts of [`view`]; the data of the site-wide outputs comes from
//! [`crate::outputs`].

pub mod pages;
pub mod pipeline;
pub mod view;

pub use pipeline::{
    ArticleOutcome, BuildOptions, LinkCheck, NoProgress, Outcome, Progress, Summary, Tasks, run,
    run_with_progress,
};

use crate::config::SiteConfig;
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::render::highlight::{self, Highlighter};
use crate::theme::Theme;
use view::SiteView;

/// A loaded site: configuration and compiled theme.
pub struct Site {
    /// Settings.
    pub config: SiteConfig,
    /// Templates, static files and strings.
    pub theme: Theme,
    /// Shared code highlighter.
    pub highlighter: Highlighter,
    /// The `site` value of every template.
    pub site_view: SiteView,
    /// Report each unreviewed suggestion, not one summary per article.
    pub list_unreviewed: bool,
}

impl Site {
    /// Loads configuration (with the command line's overrides) and the theme.
    pub fn load(opts: &BuildOptions, out: &mut Diagnostics) -> Option<Site> {
        let config = SiteConfig::load_with(&opts.root, &opts.overrides(), out)?;
        let mut site = Self::with_config(config, out)?;
        site.list_unreviewed = opts.list_unreviewed;
        Some(site)
    }

    /// Loads the theme of an already loaded configuration.
    pub fn with_config(config: SiteConfig, out: &mut Diagnostics) -> Option<Site> {
        out.checked(|out| {
            for (key, name) in [
                ("highlight_theme", &config.highlight_theme),
                ("highlight_theme_dark", &config.highlight_theme_dark),
            ] {
                // Checking the name is cheap; the stylesheet's error lists the themes.
                if !highlight::theme_exists(name)
                    && let Err(e) = highlight::stylesheet(name, name)
                {
                    out.push(
                        Diagnostic::error(Code::BadHighlightTheme, format!("`{key}`: {e}"))
                            .at(Location::file_only(&config.root.join("site.yaml"))),
                    );
                }
            }
            Some(())
        })?;
        let theme = Theme::load(&config, out)?;
        Some(Site {
            site_view: SiteView::new(&config),
            config,
            theme,
            highlighter: Highlighter::new(),
            list_unreviewed: false,
        })
    }
}
