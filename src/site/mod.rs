//! The site-wide layer: a loaded [`Site`] (configuration, theme, highlighter)
//! and the one pipeline every command runs on it ([`pipeline`]): `build`,
//! `check`, `check --links`, `serve` and `suggest` all discover, load and
//! resolve articles through the same steps, so a rule added there holds
//! everywhere. Pages are rendered by [`pages`] from the typed template
//! contexts of [`view`]; the data of the site-wide outputs comes from
//! [`crate::outputs`].

pub mod cache;
pub mod pages;
pub mod pipeline;
pub mod view;

pub use pipeline::{
    ArticleOutcome, BuildOptions, LinkCheck, NoProgress, Outcome, Progress, Summary, Tasks, run,
    run_with_progress,
};

use crate::config::SiteConfig;
use crate::content::{SitePage, load_pages};
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
    /// The pages of `pages/`, in file name order (those with errors left out).
    pub pages: Vec<SitePage>,
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

    /// Loads the theme and the pages of an already loaded configuration. A
    /// page with errors is reported into `out` and left out: the site still
    /// loads, so the run reports every other problem too.
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
        let pages = load_pages(&config.root, out);
        Some(Site {
            site_view: SiteView::new(&config, &pages),
            config,
            theme,
            highlighter: Highlighter::new(),
            pages,
            list_unreviewed: false,
        })
    }

    /// Reports and leaves out the pages that would be published where one of
    /// the article folders `articles` is; the footer then links only the rest.
    pub fn drop_pages_of_articles(
        &mut self,
        articles: &[std::path::PathBuf],
        out: &mut Diagnostics,
    ) {
        let before = self.pages.len();
        crate::content::pages::check_against_articles(&mut self.pages, articles, out);
        if self.pages.len() != before {
            self.site_view = SiteView::new(&self.config, &self.pages);
        }
    }
}
