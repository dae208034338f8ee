//! The fragment ids of an edition page, in one place. Templates never spell
//! them: the view types carry them as values ([`crate::render::ChangeView`],
//! [`crate::render::NoteView`], [`crate::render::RowView`]), and exports,
//! glossary and search build their links with these functions. `search.js`
//! reads the passage kind from the search data, not from the id.
//!
//! | id | what |
//! |---|---|
//! | `p3` | the third passage of the corrected text (and its row) |
//! | `p3-o` | the same passage as received |
//! | `c4` | change 4's entry in the apparatus |
//! | `c4-o` | change 4 in the text as received |
//! | `c4-c` | change 4 in the corrected text |
//! | `note-2` | note 2 |
//! | `ref-2` | the reference to note 2 in the text |
//! | `ref-2-end` | in `tei.xml`: the end of the passage note 2 is on |

use serde::Serialize;

/// The id of row `n` (1-based) of the side-by-side view.
pub fn row(n: usize) -> String {
    format!("p{n}")
}

/// The id of passage `n` (1-based) of the text as received.
pub fn row_original(n: usize) -> String {
    format!("p{n}-o")
}

/// The id of note `n`.
pub fn note(n: usize) -> String {
    format!("note-{n}")
}

/// The id of the reference to note `n` in the text.
pub fn note_ref(n: usize) -> String {
    format!("ref-{n}")
}

/// The id of the end of the passage note `n` is on (in `tei.xml`, where the
/// passage is marked by an anchor at each end; the start is [`note_ref`]).
pub fn note_ref_end(n: usize) -> String {
    format!("ref-{n}-end")
}

/// The id of change `n`'s entry in the apparatus (`c4`): what links from
/// the exports point to ([`ChangeIds::of`]`(n).entry` without the other two).
pub fn change(n: usize) -> String {
    let mut digits = itoa::Buffer::new();
    let n = digits.format(n);
    let mut id = String::with_capacity(1 + n.len());
    id.push('c');
    id.push_str(n);
    id
}

/// The ids of one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeIds {
    /// Its entry in the apparatus (`c4`).
    pub entry: String,
    /// Its garbled half in the text as received (`c4-o`).
    pub original: String,
    /// Its restored half in the corrected text (`c4-c`).
    pub corrected: String,
}

impl ChangeIds {
    /// The ids of change `n`.
    pub fn of(n: usize) -> ChangeIds {
        // Made for every change of every page, so built directly rather than
        // through `format!` (three ids, three allocations, no formatter).
        let mut digits = itoa::Buffer::new();
        let n = digits.format(n);
        let id = |suffix: &str| {
            let mut id = String::with_capacity(1 + n.len() + suffix.len());
            id.push('c');
            id.push_str(n);
            id.push_str(suffix);
            id
        };
        ChangeIds {
            entry: id(""),
            original: id("-o"),
            corrected: id("-c"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_documented_scheme() {
        assert_eq!(row(3), "p3");
        assert_eq!(row_original(3), "p3-o");
        assert_eq!(note(2), "note-2");
        assert_eq!(note_ref(2), "ref-2");
        assert_eq!(note_ref_end(2), "ref-2-end");
        assert_eq!(change(4), "c4");
        assert_eq!(change(1234), ChangeIds::of(1234).entry);
        let ids = ChangeIds::of(4);
        assert_eq!(
            (
                ids.entry.as_str(),
                ids.original.as_str(),
                ids.corrected.as_str()
            ),
            ("c4", "c4-o", "c4-c")
        );
    }
}
