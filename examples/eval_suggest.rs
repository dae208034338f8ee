//! Prints the evaluation figures of `emend suggest` (eval/README.md): per set
//! (tuning, seed-like held-out, different-spinner held-out, clean) and source
//! setting, precision, restored share, word error rate before/after, and the
//! figures of each kind of source. Run with `cargo run --release --example eval_suggest`;
//! `EVAL_SETS=tuning,seedlike,different,clean` picks sets, `EVAL_SOURCES=all,nomodel,thesaurus,thesaurusalone,dictionary,site`
//! picks settings, and `EVAL_DETAIL=wrong` (or `missed`, or `all`) lists the
//! wrong suggestions and the missed substitutions of each article.

#[path = "../eval/harness.rs"]
mod harness;

use harness::{Set, Sources, evaluate_sets, summary, table};

fn main() {
    let pick = |var: &str, default: &str| -> Vec<String> {
        std::env::var(var)
            .unwrap_or_else(|_| default.into())
            .split(',')
            .map(|s| s.trim().to_string())
            .collect()
    };
    let sets: Vec<Set> = pick("EVAL_SETS", "tuning,seedlike,different,clean")
        .iter()
        .filter_map(|s| match s.as_str() {
            "tuning" => Some(Set::Tuning),
            "seedlike" => Some(Set::SeedLike),
            "different" => Some(Set::Different),
            "clean" => Some(Set::Clean),
            _ => None,
        })
        .collect();
    let sources: Vec<Sources> = pick("EVAL_SOURCES", "all,nomodel")
        .iter()
        .filter_map(|s| match s.as_str() {
            "all" => Some(Sources::Both),
            "nomodel" => Some(Sources::NoModel),
            "thesaurus" => Some(Sources::Thesaurus),
            "thesaurusalone" => Some(Sources::ThesaurusAlone),
            "dictionary" => Some(Sources::Dictionary),
            "site" => Some(Sources::Site),
            _ => None,
        })
        .collect();
    let rows = evaluate_sets(&sets, &sources);
    print!("{}", table(&rows));
    if let Ok(which) = std::env::var("EVAL_DETAIL") {
        for r in &rows {
            println!("\n## {} {} ({})", r.set.name(), r.slug, r.sources.name());
            for d in &r.details {
                if which == "all" || d.starts_with(which.as_str()) {
                    println!("  {d}");
                }
            }
        }
    }
    println!();
    print!("{}", summary(&rows));
}
