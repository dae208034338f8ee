//! Creating things for the user: a new site (`emend init`) and a new article
//! (`emend new`). Both only ever create: they refuse to touch a site or an
//! article that exists, and if writing fails half-way they remove exactly what
//! they created.

use std::fs::OpenOptions;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::config::SiteConfig;
use crate::content::{self, check_slug, is_http_url};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location, display_path};
use crate::source::{SourceFile, io_diagnostic};

const SITE_YAML: &str = include_str!("site.yaml");
const CORRECTIONS_YAML: &str = include_str!("corrections.yaml");
const ANNOTATIONS_YAML: &str = include_str!("annotations.yaml");

/// The page `emend init` creates: `pages/methodology.md`.
const METHODOLOGY_MD: &str = include_str!("pages/methodology.md");

/// Slug of the example article `emend init` creates.
pub const EXAMPLE_SLUG: &str = "example-edition";

const EXAMPLE: &[(&str, &str)] = &[
    ("original.txt", include_str!("example/original.txt")),
    ("meta.yaml", include_str!("example/meta.yaml")),
    ("corrections.yaml", include_str!("example/corrections.yaml")),
    ("annotations.yaml", include_str!("example/annotations.yaml")),
];

/// Where the text of a new article comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Original {
    /// Nothing yet: an empty `original.txt` to paste into.
    Empty,
    /// Copied from this file.
    File(PathBuf),
    /// Read from standard input.
    Stdin,
}

/// What `emend new` should create.
#[derive(Debug, Clone)]
pub struct NewArticle {
    /// Folder name under `content/`.
    pub slug: String,
    /// The article text.
    pub original: Original,
    /// `title` (otherwise taken from the text's first line, or the slug).
    pub title: Option<String>,
    /// `source`: the publication.
    pub source: Option<String>,
    /// `source_url`.
    pub url: Option<String>,
    /// The original is Markdown (also implied by a `.md` file).
    pub markdown: bool,
    /// `retrieved`, `YYYY-MM-DD`.
    pub today: String,
}

/// What was created.
#[derive(Debug)]
pub struct Created {
    /// The new folder (article or site).
    pub dir: PathBuf,
    /// The files written, in order.
    pub files: Vec<PathBuf>,
    /// Where the title came from, when it was not given.
    pub title_note: Option<String>,
}

/// Today's date (local time when the system says what it is), `YYYY-MM-DD`.
pub fn today() -> String {
    let now = time::OffsetDateTime::now_local().unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    let format = time::macros::format_description!("[year]-[month]-[day]");
    now.date().format(format).unwrap_or_default()
}

/// Creates `content/<slug>/` in the site at `root`.
pub fn new_article(root: &Path, spec: &NewArticle, out: &mut Diagnostics) -> Option<Created> {
    if !root.join("site.yaml").is_file() {
        // Reports the missing site the way every command does.
        SiteConfig::load(root, out);
        return None;
    }
    let content = root.join("content");
    let dir = content.join(&spec.slug);
    let original = out.checked(|out| check_new_article(&dir, spec, out))?;

    write_new_article(&content, &dir, spec, original.as_deref(), out)
}

/// Checks what `emend new` was asked for; returns the original's bytes, if given.
fn check_new_article(
    dir: &Path,
    spec: &NewArticle,
    out: &mut Diagnostics,
) -> Option<Option<Vec<u8>>> {
    if let Err(mut d) = check_slug(&spec.slug, Location::file_only(dir)) {
        // The rule is the same as for folders; the remedy here is another argument.
        d.label.clear();
        d.location = None;
        let suggestion = content::slugify(&spec.slug);
        if d.code == "bad-slug" && !suggestion.is_empty() {
            d.help = Some(format!("use `{suggestion}`: emend new {suggestion} ..."));
        }
        out.push(d);
    } else if dir.exists() {
        out.push(
            Diagnostic::error(
                Code::ArticleExists,
                format!("{} already exists", display_path(dir)),
            )
            .help("emend never overwrites an article: choose another slug, or edit the files in that folder"),
        );
    }
    if let Some(url) = &spec.url
        && !is_http_url(url)
    {
        out.push(
            Diagnostic::error(Code::BadUrl, format!("`{url}` is not an http(s) address"))
                .help("pass the address of the original publication, e.g. `--url https://example.com/story`"),
        );
    }
    out.ok(read_original(&spec.original))
}

/// Writes the new article's files (the checks passed).
fn write_new_article(
    content: &Path,
    dir: &Path,
    spec: &NewArticle,
    original: Option<&[u8]>,
    out: &mut Diagnostics,
) -> Option<Created> {
    let markdown = spec.markdown
        || matches!(&spec.original, Original::File(p)
            if p.extension().is_some_and(|e| e == "md" || e == "markdown"));
    let (title, title_note) = match &spec.title {
        Some(t) => (t.clone(), None),
        None => guess_title(original, &spec.slug, markdown),
    };
    let mut meta = String::from(
        "# About this article. Every key is documented in emend's README (\"meta.yaml\").\n",
    );
    meta.push_str(&format!("title: {}\n", yaml_string(&title)));
    optional_line(
        &mut meta,
        "source",
        spec.source.as_deref(),
        "\"Publication name\"",
    );
    optional_line(
        &mut meta,
        "source_url",
        spec.url.as_deref(),
        "\"https://...\"",
    );
    meta.push_str("# author: \"Byline\"\n# published: YYYY-MM-DD\n");
    meta.push_str(&format!("retrieved: {}\n", spec.today));
    meta.push_str(
        "# language: en                 # if it differs from the site's\n\
         # summary: \"What this edition restores, in one sentence.\"\n\
         # tags: [politics]\n\
         # draft: true                  # leave it out of the site until ready\n",
    );

    let original_name = if markdown {
        "original.md"
    } else {
        "original.txt"
    };
    let files: [(&str, &[u8]); 4] = [
        (original_name, original.unwrap_or_default()),
        ("meta.yaml", meta.as_bytes()),
        ("corrections.yaml", CORRECTIONS_YAML.as_bytes()),
        ("annotations.yaml", ANNOTATIONS_YAML.as_bytes()),
    ];
    out.ok(std::fs::create_dir_all(content).map_err(|e| io_diagnostic(content, "create", &e)))?;
    // `create_dir` fails if the folder appeared meanwhile: never write into one we did not make.
    out.ok(std::fs::create_dir(dir).map_err(|e| io_diagnostic(dir, "create", &e)))?;
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Err(d) = create_file(&path, bytes) {
            // The folder is the one just created above, holding only our files.
            let _ = std::fs::remove_dir_all(dir);
            out.push(d);
            return None;
        }
        written.push(path);
    }
    Some(Created {
        dir: dir.to_path_buf(),
        files: written,
        title_note,
    })
}

/// Creates a new site in `dir`: `site.yaml`, an example article, a
/// methodology page (`pages/methodology.md`), `.gitignore`.
pub fn init_site(dir: &Path, out: &mut Diagnostics) -> Option<Created> {
    for existing in ["site.yaml", "content", crate::content::pages::PAGES_DIR] {
        let path = dir.join(existing);
        if path.exists() {
            out.push(
                Diagnostic::error(
                    Code::SiteExists,
                    format!("{} already has a {existing}", display_dir(dir)),
                )
                .help("emend init never overwrites a site: pick an empty or new folder, e.g. `emend init my-site`"),
            );
            return None;
        }
    }
    let mut created_dirs = Vec::new();
    if !dir.exists() {
        out.ok(std::fs::create_dir_all(dir).map_err(|e| io_diagnostic(dir, "create", &e)))?;
        created_dirs.push(dir.to_path_buf());
    }
    let example = dir.join("content").join(EXAMPLE_SLUG);
    let pages = dir.join(crate::content::pages::PAGES_DIR);
    let mut files: Vec<(PathBuf, &[u8])> = vec![(dir.join("site.yaml"), SITE_YAML.as_bytes())];
    files.extend(
        EXAMPLE
            .iter()
            .map(|(name, text)| (example.join(name), text.as_bytes())),
    );
    files.push((pages.join("methodology.md"), METHODOLOGY_MD.as_bytes()));
    // Keep the build output out of version control, unless the user already decides.
    if !dir.join(".gitignore").exists() {
        files.push((dir.join(".gitignore"), b"/public\n"));
    }
    let mut written = Vec::new();
    let result = (|| {
        for sub in [dir.join("content"), example.clone(), pages.clone()] {
            std::fs::create_dir(&sub).map_err(|e| io_diagnostic(&sub, "create", &e))?;
            created_dirs.push(sub);
        }
        for (path, bytes) in &files {
            create_file(path, bytes)?;
            written.push(path.clone());
        }
        Ok(())
    })();
    if let Err(d) = result {
        for path in written.iter().rev() {
            let _ = std::fs::remove_file(path);
        }
        for path in created_dirs.iter().rev() {
            let _ = std::fs::remove_dir(path);
        }
        out.push(d);
        return None;
    }
    Some(Created {
        dir: dir.to_path_buf(),
        files: written,
        title_note: None,
    })
}

/// Writes a file that must not exist yet.
fn create_file(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| io_diagnostic(path, "create", &e))?;
    file.write_all(bytes)
        .map_err(|e| io_diagnostic(path, "write", &e))
}

/// Reads the original: bytes unchanged, but it must be UTF-8 and not empty,
/// or the new article would fail its first check.
fn read_original(original: &Original) -> Result<Option<Vec<u8>>, Diagnostic> {
    let (bytes, shown) = match original {
        Original::Empty => return Ok(None),
        // Only a regular file (a named pipe given by mistake never blocks);
        // `--from -` reads a pipe on purpose.
        Original::File(path) => (
            crate::source::read_bytes(path, crate::files::MAX_TEXT_BYTES)?,
            path.clone(),
        ),
        Original::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| io_diagnostic(Path::new("<stdin>"), "read", &e))?;
            (bytes, PathBuf::from("<stdin>"))
        }
    };
    let file = SourceFile::from_bytes(&shown, bytes.clone())?;
    if file.text.trim().is_empty() {
        return Err(Diagnostic::error(
            Code::EmptyOriginal,
            format!("{} is empty", display_path(&shown)),
        )
        .help("pass the article exactly as received, e.g. `--from article.txt`, or pipe it in with `--from -`"));
    }
    Ok(Some(bytes))
}

/// A title from the first line of the text if it looks like a headline, else from the slug.
/// Either way the user is told to check it.
fn guess_title(original: Option<&[u8]>, slug: &str, markdown: bool) -> (String, Option<String>) {
    let first = original
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|t| t.lines().map(str::trim).find(|l| !l.is_empty()))
        .map(|l| {
            let l = l.trim_start_matches(crate::text::BOM);
            if markdown {
                l.trim_start_matches('#').trim()
            } else {
                l
            }
        });
    match first {
        // A headline is short and is not a sentence ending in a full stop.
        Some(line) if !line.is_empty() && line.chars().count() <= 120 && !line.ends_with('.') => (
            line.to_string(),
            Some("title taken from the first line of the text".into()),
        ),
        _ => {
            let mut words = slug.replace('-', " ");
            if let Some(c) = words.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
            (words, Some("title made from the slug".into()))
        }
    }
}

fn optional_line(meta: &mut String, key: &str, value: Option<&str>, example: &str) {
    match value {
        Some(v) => meta.push_str(&format!("{key}: {}\n", yaml_string(v))),
        None => meta.push_str(&format!("# {key}: {example}\n")),
    }
}

/// A YAML double-quoted scalar (a JSON string is one).
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn display_dir(dir: &Path) -> String {
    if dir.as_os_str().is_empty() || dir == Path::new(".") {
        "the current folder".into()
    } else {
        display_path(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_strings_round_trip_through_the_meta_loader() {
        for s in [
            "plain",
            "a: colon",
            "quotes \" and ' ",
            "#hash",
            "tab\tand\nnewline",
            "- dash",
            "日本語",
        ] {
            let yaml = format!("title: {}\n", yaml_string(s));
            let root = crate::yaml::YamlIndex::build(&yaml).unwrap().root.unwrap();
            assert_eq!(
                root.get("title").map(|n| &n.kind),
                Some(&crate::yaml::NodeKind::Scalar(s.to_string())),
                "{yaml}"
            );
        }
    }

    #[test]
    fn titles_come_from_a_headline_or_the_slug() {
        assert_eq!(
            guess_title(Some(b"\n  MP leaves caucus  \nBody."), "x", false).0,
            "MP leaves caucus"
        );
        assert_eq!(guess_title(Some(b"# Heading\n"), "x", true).0, "Heading");
        let long = "word ".repeat(40);
        assert_eq!(
            guess_title(Some(long.as_bytes()), "han-dong-story", false).0,
            "Han dong story"
        );
        assert_eq!(guess_title(None, "story", false).0, "Story");
        assert_eq!(
            guess_title(Some(b"The minister said it.\n"), "minister", false).0,
            "Minister"
        );
    }
}
