//! Hot paths of a build, per article: loading, anchoring, applying, rendering.
//! Run with `cargo bench --features bench --bench engine`; figures go to BENCHMARKS.md.
//!
//! Inputs are the bundled seed article (228 corrections at 319 places, 31
//! notes) and a deterministic synthetic ~9 KB article with 15 distinct
//! corrections at ~150 places, the shape the 10,000-article benchmark uses.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use emend::config::SiteConfig;
use emend::content::{Article, Loaded, load_article};
use emend::engine::{self, anchor::Matches};
use emend::render::{edition_view, highlight::Highlighter};

fn load(root: &Path, slug: &str) -> (SiteConfig, Article) {
    let mut out = emend::diagnostics::Diagnostics::new();
    let config = SiteConfig::load(root, &mut out).expect("site.yaml");
    let Loaded::Article(a) = load_article(root, &root.join("content").join(slug), false, &mut out)
    else {
        panic!("cannot load {slug}: {out:?}");
    };
    (config, *a)
}

/// A ~9 KB spun article with 15 distinct corrections applied at ~150 places.
fn synthetic(dir: &Path) -> PathBuf {
    const SWAPS: [(&str, &str); 15] = [
        ("mentioned", "said"),
        ("nationwide safety", "national security"),
        ("Liberal Celebration", "Liberal Party"),
        ("International Information", "Global News"),
        ("in response to", "according to"),
        ("workplace", "office"),
        ("vital of", "critical of"),
        ("guilty for", "to blame for"),
        ("droop", "delay"),
        ("discharge", "release"),
        ("launched", "released"),
        ("profit", "benefit"),
        ("govt", "executive"),
        ("circumstances", "cases"),
        ("transfer", "move"),
    ];
    const WORDS: [&str; 16] = [
        "the",
        "officials",
        "report",
        "government",
        "minister",
        "sources",
        "election",
        "week",
        "statement",
        "committee",
        "canada",
        "review",
        "question",
        "public",
        "inquiry",
        "party",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 9_000 {
        for _ in 0..12 {
            text.push_str(WORDS[next(WORDS.len())]);
            text.push(' ');
        }
        text.push_str(SWAPS[i % SWAPS.len()].0);
        i += 1;
        text.push_str(if i % 8 == 0 { ".\n" } else { " " });
    }
    let root = dir.to_path_buf();
    let art = root.join("content/synthetic");
    std::fs::create_dir_all(&art).unwrap();
    std::fs::write(
        root.join("site.yaml"),
        "title: B\nbase_url: https://example.org/\n",
    )
    .unwrap();
    std::fs::write(art.join("original.txt"), text.trim_end()).unwrap();
    std::fs::write(art.join("meta.yaml"), "title: Synthetic\n").unwrap();
    let mut yaml = String::new();
    for (find, replace) in SWAPS {
        yaml.push_str(&format!("- find: \"{find}\"\n  replace: \"{replace}\"\n  all: true\n  kind: synonym\n  why: \"swap\"\n"));
    }
    std::fs::write(art.join("corrections.yaml"), yaml).unwrap();
    std::fs::write(
        art.join("annotations.yaml"),
        "- quote: \"Global News\"\n  note: \"A *note*.\"\n  occurrence: 1\n",
    )
    .unwrap();
    root
}

fn benches(c: &mut Criterion) {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let synth_root = synthetic(tmp.path());
    for (name, root, slug) in [
        ("seed", repo.clone(), "han-dong-two-michaels"),
        ("synthetic-9k", synth_root.clone(), "synthetic"),
    ] {
        let (config, article) = load(&root, slug);
        let highlighter = Highlighter::new();
        let edition = engine::resolve(&article).unwrap();
        let dir = root.join("content").join(slug);
        c.bench_function(&format!("load/{name}"), |b| {
            b.iter(|| {
                let mut out = emend::diagnostics::Diagnostics::new();
                black_box(load_article(&root, &dir, false, &mut out))
            })
        });
        c.bench_function(&format!("anchor/{name}"), |b| {
            b.iter(|| {
                black_box(Matches::find(
                    &article.original.text,
                    article
                        .corrections
                        .iter()
                        .map(|c| c.selector.exact.as_str()),
                ))
            })
        });
        c.bench_function(&format!("resolve/{name}"), |b| {
            b.iter(|| black_box(engine::resolve(&article).unwrap()))
        });
        c.bench_function(&format!("render/{name}"), |b| {
            b.iter(|| {
                black_box(edition_view(
                    &article,
                    &edition,
                    &config,
                    &highlighter,
                    &emend::theme::Strings::builtin(),
                ))
            })
        });
    }
}

criterion_group!(engine_benches, benches);
criterion_main!(engine_benches);
