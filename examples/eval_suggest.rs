//! Prints the evaluation figures of `emend suggest`: precision, restored share
//! and word error rate before/after, per article, for the dictionary alone, site
//! learning alone, and both. Run with `cargo run --example eval_suggest`;
//! `EVAL_DETAIL=wrong` (or `missed`, or `all`) also lists the wrong suggestions
//! and the missed substitutions of each article.

#[path = "../eval/harness.rs"]
mod harness;

use harness::{HELD_OUT, SEED, Score, Sources, eval_total, evaluate, table};

fn main() {
    let rows = evaluate(&[Sources::Dictionary, Sources::Site, Sources::Both]);
    print!("{}", table(&rows));
    if let Ok(which) = std::env::var("EVAL_DETAIL") {
        for r in &rows {
            println!("\n## {} ({:?})", r.slug, r.sources);
            for d in &r.details {
                if which == "all" || d.starts_with(which.as_str()) {
                    println!("  {d}");
                }
            }
        }
    }
    println!();
    for src in [Sources::Dictionary, Sources::Site, Sources::Both] {
        let t = eval_total(&rows, src);
        println!(
            "evaluation set, {:<10} precision {:.1}% ({}/{}), restored {:.1}% ({}/{}), WER {:.1}% → {:.1}%",
            format!("{src:?}").to_lowercase(),
            t.precision() * 100.0,
            t.correct,
            t.suggestions,
            t.share() * 100.0,
            t.restored,
            t.truth,
            t.wer_before() * 100.0,
            t.wer_after() * 100.0
        );
    }
    for src in [Sources::Dictionary, Sources::Both] {
        let mut t = Score::default();
        for r in rows
            .iter()
            .filter(|r| r.sources == src && r.slug == HELD_OUT)
        {
            t.add(&r.score);
        }
        println!(
            "held-out article, {:<10} precision {:.1}% ({}/{}), restored {:.1}% ({}/{}), WER {:.1}% → {:.1}%",
            format!("{src:?}").to_lowercase(),
            t.precision() * 100.0,
            t.correct,
            t.suggestions,
            t.share() * 100.0,
            t.restored,
            t.truth,
            t.wer_before() * 100.0,
            t.wer_after() * 100.0
        );
    }
    println!(
        "(held out of all tuning: {HELD_OUT}; the seed {SEED} is scored against its accepted corrections)"
    );
}
