//! The rerunnable evaluation of `emend suggest` (see eval/README.md): precision
//! on the evaluation articles must be at least 90%, suggestions must lower the
//! word error rate, and reviewed suggestions must reproduce a large part of the
//! seed article's accepted corrections. The figures are printed (`--nocapture`);
//! `cargo run --example eval_suggest` prints the full table.

#[path = "../eval/harness.rs"]
mod harness;

use harness::{SEED, Sources, eval_total, evaluate, table};

#[test]
fn suggestions_are_precise_and_restore_much_of_the_garbling() {
    let rows = evaluate(&[Sources::Dictionary, Sources::Both]);
    println!("{}", table(&rows));
    for src in [Sources::Dictionary, Sources::Both] {
        let t = eval_total(&rows, src);
        assert!(
            t.precision() >= 0.9,
            "{src:?}: precision {:.3} ({}/{})",
            t.precision(),
            t.correct,
            t.suggestions
        );
        assert!(t.wer_after() < t.wer_before(), "{src:?}: WER did not drop");
        assert!(t.restored > 0);
    }
    let seed = |src| {
        rows.iter()
            .find(|r| r.slug == SEED && r.sources == src)
            .unwrap()
            .score
    };
    // "A large part": at least half of the seed's accepted changes come back
    // exactly from reviewed suggestions (dictionary and site learning together),
    // and at least 40% from the dictionary alone.
    assert!(
        seed(Sources::Both).share() >= 0.5,
        "{:.3}",
        seed(Sources::Both).share()
    );
    assert!(
        seed(Sources::Dictionary).share() >= 0.4,
        "{:.3}",
        seed(Sources::Dictionary).share()
    );
}
