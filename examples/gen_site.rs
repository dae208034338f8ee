//! Writes a synthetic emend site with many articles, for measuring `build`
//! and `serve` on a site larger than the bundled one.
//!
//! ```sh
//! cargo run --release --example gen_site -- /tmp/site-1000 1000
//! ```
//!
//! Every article has a 12-paragraph spun original, four corrections (each
//! `all: true`) and two annotations; the output is the same on every run.
//! The target folder must not exist yet (nothing is ever overwritten).

use std::path::Path;

const SPUN: &[(&str, &str, &str, &str)] = &[
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
];

const SUBJECTS: &[&str] = &[
    "The minister",
    "A spokesperson",
    "The committee",
    "Two officials",
    "The report",
    "An MP",
];
const VERBS: &[&str] = &[
    "reviewed",
    "questioned",
    "described",
    "published",
    "examined",
    "criticised",
];
const OBJECTS: &[&str] = &[
    "the briefing",
    "the documents",
    "the timeline",
    "the agreement",
    "the testimony",
    "the findings",
];

fn paragraph(article: usize, p: usize) -> String {
    let pick =
        |list: &[&'static str], salt: usize| list[(article * 7 + p * 13 + salt) % list.len()];
    let (spun, ..) = SPUN[(article + p) % SPUN.len()];
    format!(
        "{} {} {} on day {} of the inquiry, and {} {} it in connection with {}. {} {} {} again later.",
        pick(SUBJECTS, 0),
        pick(VERBS, 1),
        pick(OBJECTS, 2),
        p + 1,
        pick(SUBJECTS, 3).to_lowercase(),
        "mentioned",
        spun,
        pick(SUBJECTS, 4),
        pick(VERBS, 5),
        pick(OBJECTS, 6),
    )
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(out) = args.next() else {
        eprintln!("usage: gen_site OUT_DIR [ARTICLES]");
        std::process::exit(2);
    };
    let count: usize = args
        .next()
        .map_or(1000, |n| n.parse().expect("ARTICLES must be a number"));
    let root = Path::new(&out);
    if root.exists() {
        eprintln!("{} exists; choose a new folder", root.display());
        std::process::exit(1);
    }
    std::fs::create_dir_all(root.join("content")).expect("create the site folder");
    write(
        &root.join("site.yaml"),
        &format!(
            "title: \"Synthetic editions ({count} articles)\"\nbase_url: \"https://example.org/\"\nlanguage: en\n"
        ),
    );
    for i in 0..count {
        let dir = root.join("content").join(format!("article-{i:04}"));
        std::fs::create_dir(&dir).expect("create an article folder");
        // Every spun phrase occurs at least once: paragraph p uses SPUN[(i + p) % 4].
        let original: Vec<String> = (0..12).map(|p| paragraph(i, p)).collect();
        write(&dir.join("original.txt"), &(original.join("\n") + "\n"));
        write(
            &dir.join("meta.yaml"),
            &format!(
                "title: \"Synthetic article {i}\"\nsource: \"Example Wire\"\npublished: {}-{:02}-{:02}\nsummary: \"Four kinds of spin, restored.\"\ntags: [synthetic]\n",
                2015 + i / 336,
                (i / 28) % 12 + 1,
                i % 28 + 1
            ),
        );
        let corrections: String = SPUN
            .iter()
            .map(|(find, replace, kind, why)| {
                format!("- find: \"{find}\"\n  replace: \"{replace}\"\n  kind: {kind}\n  why: \"{why}\"\n  all: true\n")
            })
            .collect();
        write(&dir.join("corrections.yaml"), &corrections);
        write(
            &dir.join("annotations.yaml"),
            "- quote: \"Global News\"\n  occurrence: 1\n  note: \"A Canadian news organisation.\"\n  sources:\n    - title: \"Global News\"\n      url: \"https://en.wikipedia.org/wiki/Global_News\"\n- quote: \"national security\"\n  occurrence: 1\n  note: \"The term used in the original report.\"\n",
        );
    }
    println!("wrote {count} articles to {}", root.display());
}
