//! The registry of diagnostic codes. A code is part of emend's interface:
//! editors and CI match on it (`check --format json`), and
//! `docs/diagnostics.md` documents each one (a test keeps the two in step).
//! Add a code here, with its one-line description, before using it.

use std::fmt;

macro_rules! codes {
    ($( $group:literal { $( $variant:ident = $name:literal: $desc:literal, )* } )*) => {
        /// A stable diagnostic code, shown as `error[find-not-found]`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(
                #[doc = $desc]
                $variant,
            )* )*
        }

        impl Code {
            /// Every code, in registry order (grouped as in `docs/diagnostics.md`).
            pub const ALL: &'static [Code] = &[$( $( Code::$variant, )* )*];

            /// The code as users see it (`find-not-found`).
            pub fn as_str(self) -> &'static str {
                match self { $( $( Code::$variant => $name, )* )* }
            }

            /// What the code means, in one line.
            pub fn description(self) -> &'static str {
                match self { $( $( Code::$variant => $desc, )* )* }
            }

            /// The heading it is listed under in `docs/diagnostics.md`.
            pub fn group(self) -> &'static str {
                match self { $( $( Code::$variant => $group, )* )* }
            }
        }
    };
}

codes! {
    "Site and theme" {
        NoSite = "no-site": "The folder has no `site.yaml`: it is not an emend site (or `--root` points elsewhere).",
        BadUrl = "bad-url": "An address is not an absolute http(s) URL (`base_url`, `source_url`, a source's `url` or `archived`).",
        BadLanguage = "bad-language": "A `language` is not a BCP 47 language tag such as `en` or `fr-CA`.",
        BadTheme = "bad-theme": "The `theme` setting is not a plain folder name.",
        EmptyEditor = "empty-editor": "An entry of `editors` in `site.yaml` has an empty `name`.",
        BadOrcid = "bad-orcid": "An editor's `orcid` is not an ORCID iD (four groups of four digits with a valid check digit).",
        ThemeNotFound = "theme-not-found": "The theme named in `site.yaml` has no folder under `themes/`.",
        BadHighlightTheme = "bad-highlight-theme": "A `highlight_theme` is not one of the code highlighting themes built into emend.",
        BadDomain = "bad-domain": "A `domain` of `source_policy` in `site.yaml` is not a plain domain name such as `example.com`.",
        BadContact = "bad-contact": "`contact` in `site.yaml` is neither an e-mail address nor an http(s) URL.",
        BadExports = "bad-exports": "The `exports` of `site.yaml` turn off the texts but keep an export whose offsets count their characters.",
        Template = "template": "A template does not compile or fails while rendering a page.",
        TemplateContext = "template-context": "The data for a template could not be prepared (an internal error; please report it).",
    }
    "YAML files" {
        YamlSyntax = "yaml-syntax": "A YAML file is not valid YAML (indentation, quotes, tabs, control characters).",
        InvalidUtf8 = "invalid-utf8": "A text file is not valid UTF-8.",
        Utf16 = "utf16": "A text file is saved as UTF-16 (with or without a byte order mark); emend reads UTF-8.",
        FileTooLarge = "file-too-large": "A file is larger than emend reads (16 MiB for YAML, 256 MiB for other text).",
        YamlTooDeep = "yaml-too-deep": "Lists and mappings in a YAML file are nested more than 64 levels deep.",
        YamlAliases = "yaml-aliases": "YAML aliases (`*name`) would copy more than 100,000 values (an alias bomb).",
        EmptyFile = "empty-file": "A YAML file that needs keys is empty.",
        WrongType = "wrong-type": "A value has the wrong type (text where a list is expected, a word where a number is).",
        UnknownKey = "unknown-key": "A key is not part of the file's format (usually a typo: the hint names the closest key).",
        MissingKey = "missing-key": "A required key is missing.",
        DuplicateKey = "duplicate-key": "A key appears twice in one mapping (YAML would silently keep one).",
        UnknownValue = "unknown-value": "A value is not one of the values the key accepts.",
    }
    "Content folders" {
        NoContent = "no-content": "The site has no `content/` folder.",
        BadSlug = "bad-slug": "An article folder name or a page's slug is not a valid slug (lowercase a-z, digits and hyphens).",
        ReservedSlug = "reserved-slug": "An article folder or a page's slug is named like a folder the site itself uses (`glossary`, `search`…).",
        StrayFile = "stray-file": "A file directly under `content/` is not an article folder, or one under `pages/` is not a Markdown page, and is ignored.",
        UnknownFile = "unknown-file": "An article folder holds a file emend does not read.",
        MissingMeta = "missing-meta": "An article folder has no `meta.yaml`.",
        MissingOriginal = "missing-original": "An article folder has no `original.txt` or `original.md`.",
        TwoOriginals = "two-originals": "An article folder has both `original.txt` and `original.md`.",
        EmptyOriginal = "empty-original": "The original text is empty.",
        SymlinkOutside = "symlink-outside": "A symbolic link under the site leads outside it (refused, so a build never reads files elsewhere).",
        BrokenSymlink = "broken-symlink": "A symbolic link under the site leads nowhere.",
        Io = "io": "A file or folder could not be read or written (permissions, a vanished file).",
        NotAFile = "not-a-file": "A path emend reads is not a regular file (a folder, a named pipe, a device or a socket).",
        PermissionDenied = "permission-denied": "A file or folder cannot be read with the current user's permissions.",
    }
    "Article metadata" {
        EmptyTitle = "empty-title": "`title` in `meta.yaml` is empty.",
        BadDate = "bad-date": "A date is not a real date written as YYYY-MM-DD.",
        BadDoi = "bad-doi": "`doi` is not a DOI name (`10.` registrant `/` suffix).",
        UnknownSourceType = "unknown-source-type": "A source's `type` is not one of primary, court, news, reference, other.",
        EmptyNote = "empty-note": "A note, status text, revision note or source policy reason is empty.",
    }
    "Corrections and annotations" {
        UnknownKind = "unknown-kind": "A correction's `kind` is not one of the known kinds.",
        UnknownStatus = "unknown-status": "A correction's `status` is neither `reviewed` nor `suggested`.",
        UnknownSide = "unknown-side": "An annotation's `on` is neither `original` nor `corrected`.",
        BadConfidence = "bad-confidence": "A `confidence` is not a number from 0 to 1.",
        BadOccurrence = "bad-occurrence": "`occurrence` is not a positive whole number.",
        ConflictingSelectors = "conflicting-selectors": "An entry combines `all`, `occurrence` and `before`/`after` in a way that cannot hold together.",
        EmptyAnchor = "empty-anchor": "A `find` or `quote` is empty.",
        WhitespaceAnchor = "whitespace-anchor": "A `find` or `quote` is only whitespace.",
        FindNotFound = "find-not-found": "A correction's `find` text does not occur in the original (the hint shows the nearest near-miss).",
        FindAmbiguous = "find-ambiguous": "A correction's `find` text occurs more than once and nothing says which (`occurrence`, `all`, `before`/`after`).",
        QuoteNotFound = "quote-not-found": "An annotation's `quote` does not occur in its text.",
        QuoteAmbiguous = "quote-ambiguous": "An annotation's `quote` occurs more than once and nothing says which.",
        OccurrenceOutOfRange = "occurrence-out-of-range": "`occurrence: N` asks for a match beyond the last one.",
        Overlap = "overlap": "Two corrections change overlapping text.",
        InMarkup = "in-markup": "A correction or note falls inside Markdown syntax that cannot be marked (a link's address or title, image alt text, a code fence's info string, a footnote label, a link reference definition).",
        SplitsCharacter = "splits-character": "A `find` or `quote` would match part of a character as readers see it (an accent written as a combining mark, an emoji with a variation selector or a joiner).",
        NoOpCorrection = "no-op-correction": "A correction replaces text with the same text.",
        MissingWhy = "missing-why": "A correction has no `why` (readers see no explanation).",
        LongQuote = "long-quote": "An annotation quotes a very long passage.",
        Unreviewed = "unreviewed": "Corrections are still marked `status: suggested`: one line per article, or one per entry with `check --unreviewed` and `--format json` (errors when `allow_unreviewed: false`).",
    }
    "Source policy" {
        AvoidedSource = "avoided-source": "A source cites a domain the site's `source_policy` lists under `avoid`.",
        FlaggedSource = "flagged-source": "A source cites a domain the site's `source_policy` lists under `flag` (a note, not a warning).",
    }
    "Site pages" {
        BadFrontMatter = "bad-front-matter": "A page under `pages/` does not start with a front matter block between `---` lines.",
        PageSlugTaken = "page-slug-taken": "Two pages, or a page and an article, would be published at the same address.",
    }
    "Output" {
        UnsafeOutput = "unsafe-output": "The output folder is one emend must never replace (the site root, `content/`, a folder emend did not create…).",
        BadOutputPath = "bad-output-path": "A page or file would be written outside the output folder or under an unusable name.",
        OutputCollision = "output-collision": "Two files would be written to the same output path (a static file named like a generated page).",
        DiskFull = "disk-full": "The disk filled up while writing the output; the previous output is untouched.",
        OutputLocked = "output-locked": "Another emend build is writing to the same output folder (one build per folder at a time).",
        Feed = "feed": "The Atom feed could not be written.",
        BrokenLink = "broken-link": "A link or #fragment of the built site leads nowhere (`check --links`).",
        BrokenExternalLink = "broken-external-link": "An external link did not answer successfully (`check --links --external`).",
    }
    "Authoring commands" {
        SiteExists = "site-exists": "`emend init` found a site already there.",
        ArticleExists = "article-exists": "`emend new` found the article folder already there.",
        UnknownArticle = "unknown-article": "No article of that slug exists.",
        NotLearned = "not-learned": "`suggest` could not learn from an article that has errors.",
        UncorrectedElsewhere = "uncorrected-elsewhere": "Text corrected in other articles of the site is left uncorrected here.",
        CannotAppend = "cannot-append": "`suggest --write` cannot append to `corrections.yaml` safely (its layout is unusual).",
        ChangedMeanwhile = "changed-meanwhile": "A file changed on disk while emend was writing to it; nothing was written.",
        SuggestInternal = "suggest-internal": "`suggest` produced entries that do not load back (an internal error; please report it).",
    }
    "Spinner dictionary" {
        BadPattern = "bad-pattern": "A `prev`/`next` pattern of a dictionary entry cannot be read.",
        BadClass = "bad-class": "A word class name in `dictionary.yaml` is not valid.",
        BadClassWord = "bad-class-word": "A word of a class in `dictionary.yaml` is not a single word.",
        BadCase = "bad-case": "A dictionary entry's `case` is neither `auto` nor `exact`.",
        BadCheck = "bad-check": "A dictionary entry's `check` is neither `model` nor `none`.",
        BadDisabled = "bad-disabled": "`disabled` appears where it does not belong (only a site's `dictionary.yaml` may disable built-in entries).",
        DuplicateEntry = "duplicate-entry": "Two dictionary entries have the same `find` and context.",
        PaddedFind = "padded-find": "A dictionary `find` starts or ends with whitespace.",
        NoOpEntry = "no-op-entry": "A dictionary entry replaces text with the same text.",
    }
    "Live preview (serve)" {
        Bind = "bind": "`serve` cannot listen on the address.",
        PortInUse = "port-in-use": "Every port tried is in use.",
        Watch = "watch": "`serve` cannot watch the site's files for changes.",
        Thread = "thread": "A worker thread could not be started.",
        Runtime = "runtime": "The server's runtime could not be started.",
        Serve = "serve": "The server stopped with an error.",
    }
}

/// `docs/diagnostics.md`, built in so that `emend explain <code>` works
/// anywhere.
pub const GUIDE: &str = include_str!("../../docs/diagnostics.md");

impl Code {
    /// The code's entry in `docs/diagnostics.md` (heading and text), for `emend explain`.
    pub fn explanation(self) -> Option<&'static str> {
        let heading = format!("### `{}`\n", self.as_str());
        let start = GUIDE.find(&heading)?;
        let rest = &GUIDE[start..];
        let end = rest[heading.len()..]
            .find("\n#")
            .map_or(rest.len(), |i| i + heading.len() + 1);
        Some(rest[..end].trim_end())
    }

    /// The code for a `&'static str` name, if it is registered.
    pub fn parse(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_described() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            let name = c.as_str();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                name.split('-').all(|w| !w.is_empty()
                    && w.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{name} is not kebab-case"
            );
            let d = c.description();
            assert!(d.ends_with('.') && d.len() > 20, "{name}: {d}");
            assert_eq!(Code::parse(name), Some(*c));
        }
    }

    /// `docs/diagnostics.md` lists exactly the registered codes, in registry
    /// order under their groups, each starting with its one-line description.
    #[test]
    fn the_guide_and_the_registry_agree() {
        let mut listed = Vec::new();
        let mut group = "";
        let lines: Vec<&str> = GUIDE.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if let Some(g) = line.strip_prefix("## ") {
                group = g;
            } else if let Some(h) = line.strip_prefix("### ") {
                let name = h.trim_matches('`');
                let code = Code::parse(name).unwrap_or_else(|| {
                    panic!("docs/diagnostics.md documents unknown code `{name}`")
                });
                assert_eq!(
                    code.group(),
                    group,
                    "`{name}` is listed under the wrong heading"
                );
                let first = lines[i + 1..].iter().find(|l| !l.is_empty()).copied();
                assert_eq!(
                    first,
                    Some(code.description()),
                    "the entry of `{name}` must start with its description from codes.rs"
                );
                listed.push(code);
            }
        }
        let missing: Vec<&str> = Code::ALL
            .iter()
            .filter(|c| !listed.contains(c))
            .map(|c| c.as_str())
            .collect();
        assert!(missing.is_empty(), "docs/diagnostics.md lacks {missing:?}");
        assert_eq!(
            listed,
            Code::ALL,
            "docs/diagnostics.md lists the codes in another order"
        );
    }

    #[test]
    fn explanations_are_the_guide_sections() {
        let e = Code::FindNotFound.explanation().unwrap();
        assert!(
            e.starts_with("### `find-not-found`\n\nA correction's `find` text"),
            "{e}"
        );
        assert!(!e.contains("### `find-ambiguous`"), "{e}");
        // The last entry of the file ends at the end of the file.
        let last = Code::ALL.last().unwrap().explanation().unwrap();
        assert!(
            last.ends_with(Code::ALL.last().unwrap().description()),
            "{last}"
        );
    }
}
