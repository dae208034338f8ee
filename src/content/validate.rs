//! The shape rules of values in content files: slugs, dates, language tags,
//! addresses, DOIs.

use crate::diagnostics::{Code, Diagnostic, Location};

/// Slugs that would collide with pages the site itself generates.
pub const RESERVED_SLUGS: &[&str] = &[
    "glossary", "static", "search", "pagefind", "tags", "feeds", "page",
];

/// The longest slug: a slug is a folder name in the output (and part of
/// staging and temporary file names, which file systems cap at 255 bytes),
/// and a URL readers see. `check` and `build` apply the same rule.
pub const MAX_SLUG_LEN: usize = 100;

/// Whether `slug` follows the rule `[a-z0-9-]+`, at most [`MAX_SLUG_LEN`] long.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= MAX_SLUG_LEN
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A slug suggestion for an invalid folder name (`Han Dong!` → `han-dong`).
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    if out.len() > MAX_SLUG_LEN {
        out.truncate(MAX_SLUG_LEN);
        out = out.trim_end_matches('-').to_string();
    }
    out
}

/// Checks the slug rule, returning a diagnostic that states it.
pub fn check_slug(slug: &str, at: Location) -> Result<(), Diagnostic> {
    if slug.len() > MAX_SLUG_LEN
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(Diagnostic::error(
            Code::BadSlug,
            format!(
                "the article slug `{}…` is {} characters long; the limit is {MAX_SLUG_LEN}",
                &slug[..40],
                slug.len()
            ),
        )
        .at(at)
        .label("article folder")
        .note("slugs become folder names and URLs, which file systems and readers need short")
        .help(format!("rename the folder to `{}`", slugify(slug))));
    }
    if !is_valid_slug(slug) {
        let suggestion = slugify(slug);
        let shown: String = slug.chars().take(60).collect();
        let shown = if shown.len() < slug.len() {
            format!("{shown}…")
        } else {
            shown
        };
        let mut d = Diagnostic::error(Code::BadSlug, format!("`{shown}` is not a valid article slug"))
            .at(at)
            .label("article folder")
            .note(format!("slugs become URLs: use only lowercase letters a-z, digits 0-9 and hyphens (`[a-z0-9-]+`), at most {MAX_SLUG_LEN}"));
        if !suggestion.is_empty() {
            d = d.help(format!("rename the folder to `{suggestion}`"));
        }
        return Err(d);
    }
    if RESERVED_SLUGS.contains(&slug) {
        return Err(Diagnostic::error(
            Code::ReservedSlug,
            format!("`{slug}` is reserved for a page emend generates"),
        )
        .at(at)
        .help(format!(
            "choose another folder name; reserved: {}",
            RESERVED_SLUGS.join(", ")
        )));
    }
    Ok(())
}

/// A simple BCP 47 shape check: `en`, `en-CA`, `zh-Hans-CN`.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Checks a `YYYY-MM-DD` date.
pub fn is_valid_date(s: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    s.len() == 10 && time::Date::parse(s, format).is_ok()
}

/// Whether `url` is an absolute http(s) URL with a host.
pub fn is_http_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

/// Whether `doi` looks like a DOI name (`10.` prefix, a registrant code, `/`, a suffix).
pub fn is_doi(doi: &str) -> bool {
    let Some((prefix, suffix)) = doi.split_once('/') else {
        return false;
    };
    let Some(registrant) = prefix.strip_prefix("10.") else {
        return false;
    };
    !registrant.is_empty()
        && registrant.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !suffix.is_empty()
        && !suffix.chars().any(|c| c.is_whitespace() || c.is_control())
}
