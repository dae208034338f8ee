//! Writes a deterministic synthetic emend site, and optionally the same texts as
//! a Hugo site, for benchmarks (`bench/compare.sh`) and for measuring `serve`.
//!
//! ```sh
//! cargo run --release --example gen_site -- OUT_DIR [ARTICLES] [--hugo HUGO_DIR]
//! ```
//!
//! Each article is a ~9 KB spun original (about 45 paragraphs) with 15 distinct
//! corrections applied at ~135 places (`all: true`), three annotations, and metadata. The Hugo site holds the
//! same originals as plain Markdown pages with a minimal layout. Output is the
//! same on every run; existing folders are never overwritten.

use std::fmt::Write as _;
use std::path::Path;

/// (garbled, restored, kind, why). Every article uses all of them.
const SPUN: [(&str, &str, &str, &str); 15] = [
    (
        "mentioned",
        "said",
        "synonym",
        "The spinner swapped 'said' for a thesaurus neighbour.",
    ),
    (
        "International Information",
        "Global News",
        "name",
        "The outlet's name was translated word by word.",
    ),
    (
        "Liberal Celebration",
        "Liberal Party",
        "name",
        "'Party' became 'Celebration'.",
    ),
    (
        "nationwide safety",
        "national security",
        "synonym",
        "A fixed term was replaced word by word.",
    ),
    (
        "in response to",
        "according to",
        "synonym",
        "Attribution garbled by the spinner.",
    ),
    (
        "workplace",
        "office",
        "synonym",
        "'Office' became 'workplace'.",
    ),
    (
        "vital of",
        "critical of",
        "synonym",
        "'Critical' became 'vital'.",
    ),
    (
        "guilty for",
        "to blame for",
        "mistranslation",
        "The idiom was translated literally.",
    ),
    ("droop", "delay", "synonym", "'Delay' became 'droop'."),
    (
        "discharge",
        "release",
        "synonym",
        "'Release' became 'discharge'.",
    ),
    (
        "launched",
        "released",
        "synonym",
        "'Released' became 'launched'.",
    ),
    ("profit", "benefit", "synonym", "'Benefit' became 'profit'."),
    (
        "govt",
        "executive",
        "artifact",
        "An abbreviation left by the spinner.",
    ),
    (
        "circumstances",
        "cases",
        "synonym",
        "'Cases' became 'circumstances'.",
    ),
    ("transfer", "move", "synonym", "'Move' became 'transfer'."),
];

const SUBJECTS: &[&str] = &[
    "The minister",
    "A spokesperson",
    "The committee",
    "Two officials",
    "The report",
    "An MP",
    "The agency",
    "A senior adviser",
];
const VERBS: &[&str] = &[
    "reviewed",
    "questioned",
    "described",
    "published",
    "examined",
    "criticised",
    "cited",
];
const OBJECTS: &[&str] = &[
    "the briefing",
    "the documents",
    "the timeline",
    "the agreement",
    "the testimony",
    "the findings",
    "the memo",
    "the letter",
];

/// A small deterministic generator (xorshift), so every run writes the same site.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// One paragraph with ~3 spun phrases; `slot` picks which.
fn paragraph(rng: &mut Rng, day: usize, slot: &mut usize) -> String {
    let mut spun = || {
        let s = SPUN[*slot % SPUN.len()].0;
        *slot += 1;
        s
    };
    let (a, b, c) = (spun(), spun(), spun());
    let pick = |rng: &mut Rng, list: &[&'static str]| list[rng.next(list.len())];
    format!(
        "{} {} {} on day {day} of the inquiry, and {} {a} it in connection with {b}. {} {} {} again later, {c} included.",
        pick(rng, SUBJECTS),
        pick(rng, VERBS),
        pick(rng, OBJECTS),
        pick(rng, SUBJECTS).to_lowercase(),
        pick(rng, SUBJECTS),
        pick(rng, VERBS),
        pick(rng, OBJECTS),
    )
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// A publication date in 2015–2024: never in the future, which Hugo would
/// skip by default (and so build fewer pages than emend).
fn date(i: usize) -> String {
    format!(
        "{}-{:02}-{:02}",
        2015 + (i / 336) % 10,
        (i / 28) % 12 + 1,
        i % 28 + 1
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut positional = Vec::new();
    let mut hugo = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--hugo" {
            hugo = Some(it.next().expect("--hugo needs a folder").clone());
        } else {
            positional.push(a.clone());
        }
    }
    let Some(out) = positional.first() else {
        eprintln!("usage: gen_site OUT_DIR [ARTICLES] [--hugo HUGO_DIR]");
        std::process::exit(2);
    };
    let count: usize = positional
        .get(1)
        .map_or(1000, |n| n.parse().expect("ARTICLES must be a number"));
    let root = Path::new(out);
    for dir in std::iter::once(root).chain(hugo.as_deref().map(Path::new)) {
        if dir.exists() {
            eprintln!("{} exists; choose a new folder", dir.display());
            std::process::exit(1);
        }
    }
    std::fs::create_dir_all(root.join("content")).expect("create the site folder");
    write(
        &root.join("site.yaml"),
        &format!(
            "title: \"Synthetic editions ({count} articles)\"\nbase_url: \"https://example.org/\"\nlanguage: en\n"
        ),
    );
    if let Some(h) = &hugo {
        let h = Path::new(h);
        std::fs::create_dir_all(h.join("content/posts")).expect("create the Hugo folder");
        std::fs::create_dir_all(h.join("layouts/_default")).expect("create the Hugo layouts");
        write(
            &h.join("config.toml"),
            "baseURL = \"https://example.org/\"\ntitle = \"Synthetic\"\nbuildFuture = true\ndisableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]\n",
        );
        write(
            &h.join("layouts/_default/single.html"),
            "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n",
        );
        write(
            &h.join("layouts/_default/list.html"),
            "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n",
        );
    }
    for i in 0..count {
        let mut rng =
            Rng(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let mut slot = i % SPUN.len();
        let mut paragraphs = Vec::new();
        let mut size = 0;
        while size < 9_000 {
            let p = paragraph(&mut rng, paragraphs.len() + 1, &mut slot);
            size += p.len() + 1;
            paragraphs.push(p);
        }
        let original = paragraphs.join("\n") + "\n";
        let slug = format!("article-{i:05}");
        let dir = root.join("content").join(&slug);
        std::fs::create_dir(&dir).expect("create an article folder");
        write(&dir.join("original.txt"), &original);
        write(
            &dir.join("meta.yaml"),
            &format!(
                "title: \"Synthetic article {i}\"\nsource: \"Example Wire\"\npublished: {}\nsummary: \"Fifteen kinds of spin, restored.\"\ntags: [synthetic]\n",
                date(i)
            ),
        );
        let mut corrections = String::new();
        for (find, replace, kind, why) in SPUN {
            let _ = write!(
                corrections,
                "- find: \"{find}\"\n  replace: \"{replace}\"\n  kind: {kind}\n  why: \"{why}\"\n  all: true\n"
            );
        }
        write(&dir.join("corrections.yaml"), &corrections);
        write(
            &dir.join("annotations.yaml"),
            "- quote: \"Global News\"\n  occurrence: 1\n  note: \"A Canadian news organisation.\"\n  sources:\n    - title: \"Global News\"\n      url: \"https://en.wikipedia.org/wiki/Global_News\"\n- quote: \"national security\"\n  occurrence: 1\n  note: \"The term used in the original report.\"\n- quote: \"Liberal Party\"\n  occurrence: 1\n  note: \"The governing party at the time, *per* the report.\"\n",
        );
        if let Some(h) = &hugo {
            let body = paragraphs.join("\n\n");
            write(
                &Path::new(h)
                    .join("content/posts")
                    .join(format!("{slug}.md")),
                &format!(
                    "---\ntitle: \"Synthetic article {i}\"\ndate: {}\n---\n\n{body}\n",
                    date(i)
                ),
            );
        }
    }
    println!("wrote {count} articles to {}", root.display());
    if let Some(h) = hugo {
        println!("wrote the same {count} texts as a Hugo site to {h}");
    }
}
