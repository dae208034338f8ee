//! Rendering Markdown (`.md` originals and annotation notes) from
//! pulldown-cmark's event stream with source offsets.
//!
//! Change and note marks are inserted at the event level, never by splicing HTML
//! into Markdown text, so a correction next to `*emphasis*` or inside a link
//! renders correctly and `<`, `&` in content stay text. Raw HTML is escaped
//! unless the site opts in; links and images with script-capable URLs lose
//! their URL; headings are shifted down so content never competes with the page
//! title; source footnotes get ids scoped to their column.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};

use super::blocks::{Block, markdown_options};
use super::highlight::Highlighter;
use super::overlay::Overlay;
use crate::text::escape_html;

/// Settings for one Markdown rendering.
#[derive(Clone, Copy)]
pub struct MarkdownStyle<'a> {
    /// Let raw HTML through (site opt-in).
    pub allow_raw_html: bool,
    /// How many levels to shift headings down (h1 → h2 with 1).
    pub heading_shift: u8,
    /// Prefix for ids of footnotes written in the source (`o-`, `c-`).
    pub id_prefix: &'a str,
    /// Highlighter for fenced code.
    pub highlighter: &'a Highlighter,
    /// Put before relative link and image URLs: the reading view is one
    /// folder deeper than the page the text was written for (`../`).
    pub relative_prefix: &'a str,
}

/// `url` as seen from a page `prefix` away: relative URLs (no scheme, not
/// starting with `/`, `#` or `?`) get the prefix, all others stay as written.
fn rebase<'a>(url: &CowStr<'a>, prefix: &str) -> CowStr<'a> {
    let scheme = url
        .find([':', '/', '?', '#'])
        .is_some_and(|i| url.as_bytes()[i] == b':');
    if prefix.is_empty() || url.is_empty() || scheme || url.starts_with(['/', '#', '?']) {
        url.clone()
    } else {
        CowStr::from(format!("{prefix}{url}"))
    }
}

/// Whether a URL is safe to put in `href`/`src`: relative, fragment, or an
/// http(s)/mailto address. `javascript:`, `data:`, `vbscript:` and unknown
/// schemes are not (browsers ignore tabs, newlines and case in schemes, so we do too).
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match cleaned.find(':') {
        None => true,
        Some(colon) => {
            let scheme = &cleaned[..colon];
            // A ':' after '/', '?' or '#' is part of a path, not a scheme.
            if scheme.contains(['/', '?', '#']) {
                return true;
            }
            matches!(scheme, "http" | "https" | "mailto")
        }
    }
}

fn shift(level: HeadingLevel, by: u8) -> HeadingLevel {
    let n = (level as usize + by as usize).min(6);
    match n {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

fn footnote_id(label: &str) -> String {
    let mut id: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    if id.is_empty() {
        id.push('x');
    }
    id
}

/// Renders the blocks `blocks` of a parsed document (in order) into HTML,
/// overlaying `overlay`'s marks.
pub fn render_blocks(
    events: &[(Event<'_>, Range<usize>)],
    source: &str,
    blocks: &[&Block],
    overlay: &mut Overlay,
    style: &MarkdownStyle<'_>,
) -> String {
    let mut html = String::new();
    for block in blocks {
        let mut out: Vec<Event<'_>> = Vec::new();
        if let Some(item) = block.list_item {
            out.push(Event::Start(Tag::List(item)));
        }
        let slice = &events[block.events.clone()];
        convert(slice, source, overlay, style, &mut out, block.range.end);
        if let Some(item) = block.list_item {
            out.push(Event::End(TagEnd::List(item.is_some())));
        }
        pulldown_cmark::html::push_html(&mut html, out.into_iter());
    }
    html
}

/// The text of Markdown events without markup: what a reader reads, with
/// blocks and line breaks as single spaces (raw HTML and footnote labels left out).
pub fn plain_text(events: &[(Event<'_>, Range<usize>)]) -> String {
    let mut out = String::new();
    let space = |out: &mut String| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    for (ev, _) in events {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak | Event::Rule => space(&mut out),
            // Inline markup joins words; every other block edge separates them.
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough | Tag::Link { .. })
            | Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) => {}
            Event::End(_) | Event::Start(_) => space(&mut out),
            _ => {}
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

/// [`plain_text`] of a Markdown string (an annotation note).
pub fn plain_text_of(source: &str) -> String {
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(source, markdown_options())
        .into_offset_iter()
        .collect();
    plain_text(&events)
}

/// Whether Markdown `source` has a link or image with a relative URL (one
/// that [`MarkdownStyle::relative_prefix`] changes).
pub fn has_relative_url(source: &str) -> bool {
    Parser::new_ext(source, markdown_options()).any(|ev| match ev {
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            *rebase(&dest_url, "../") != *dest_url
        }
        _ => false,
    })
}

/// A stretch of Markdown source that no change or note mark can be put in:
/// its text never reaches the page as text (a link's address or title, an
/// image's alt text, a code fence's info string, a footnote label, a link
/// reference definition).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmarkable {
    /// The stretch no mark may touch.
    pub zone: Range<usize>,
    /// The whole construct it belongs to.
    pub construct: Range<usize>,
    /// Whether a mark around the whole construct is fine (a whole link, a
    /// whole code block); an image or a link reference definition renders no
    /// text a mark could go around.
    pub coverable: bool,
    /// What it is, for messages ("a link's address or title").
    pub what: &'static str,
}

/// Every [`Unmarkable`] stretch of Markdown `source`, in source order.
pub fn unmarkable(source: &str) -> Vec<Unmarkable> {
    let parser = Parser::new_ext(source, markdown_options());
    let mut out: Vec<Unmarkable> = parser
        .reference_definitions()
        .iter()
        .map(|(_, def)| Unmarkable {
            zone: def.span.clone(),
            construct: def.span.clone(),
            coverable: false,
            what: "a link reference definition",
        })
        .collect();
    // Open links: (start of the link, end of its text so far).
    let mut links: Vec<(Range<usize>, usize)> = Vec::new();
    for (ev, range) in parser.into_offset_iter() {
        match ev {
            Event::Start(Tag::Link { .. }) => links.push((range.clone(), range.start + 1)),
            Event::End(TagEnd::Link) => {
                if let Some((link, text_end)) = links.pop() {
                    // `](address "title")`, `][label]`: after the link text.
                    let zone = text_end.min(link.end)..link.end;
                    if !zone.is_empty() && source[zone.clone()].starts_with(']') {
                        out.push(Unmarkable {
                            zone,
                            construct: link,
                            coverable: true,
                            what: "a link's address or title",
                        });
                    }
                }
            }
            Event::Start(Tag::Image { .. }) => out.push(Unmarkable {
                zone: range.clone(),
                construct: range.clone(),
                coverable: false,
                what: "an image (its alt text, address or title)",
            }),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
                let first_line = source[range.clone()]
                    .find('\n')
                    .map_or(range.end, |i| range.start + i);
                out.push(Unmarkable {
                    zone: range.start..first_line,
                    construct: range.clone(),
                    coverable: true,
                    what: "a code fence's info string",
                });
            }
            Event::FootnoteReference(_) => out.push(Unmarkable {
                zone: range.clone(),
                construct: range.clone(),
                coverable: true,
                what: "a footnote label",
            }),
            Event::Start(Tag::FootnoteDefinition(_)) => {
                let label_end = source[range.clone()]
                    .find("]:")
                    .map_or(range.end, |i| range.start + i + 2);
                out.push(Unmarkable {
                    zone: range.start..label_end,
                    construct: range.clone(),
                    coverable: true,
                    what: "a footnote label",
                });
            }
            _ => {}
        }
        // Inside a link, its text ends where its last inner event does.
        if let Some((link, text_end)) = links.last_mut()
            && range.start > link.start
            && range.end < link.end
        {
            *text_end = (*text_end).max(range.end);
        }
    }
    out.sort_by_key(|u| (u.zone.start, u.zone.end));
    out
}

/// The source ranges of the text readers see in Markdown `source` (text,
/// code, escaped HTML), sorted: a change or note must touch one to be marked.
pub fn visible_text(source: &str) -> Vec<Range<usize>> {
    Parser::new_ext(source, markdown_options())
        .into_offset_iter()
        .filter_map(|(ev, r)| match ev {
            Event::Text(_) | Event::Html(_) | Event::InlineHtml(_) => Some(r),
            // A code span's range includes its backticks, which are syntax
            // (found by fuzzing: a change on the closing backtick).
            Event::Code(_) => {
                let span = &source[r.clone()];
                let ticks = span.len() - span.trim_start_matches('`').len();
                let inner = r.start + ticks..r.end.saturating_sub(ticks);
                (inner.start < inner.end).then_some(inner)
            }
            _ => None,
        })
        .collect()
}

/// Whether `range` overlaps any of the sorted `visible` ranges.
pub fn touches_text(visible: &[Range<usize>], range: &Range<usize>) -> bool {
    let i = visible.partition_point(|v| v.end <= range.start);
    visible.get(i).is_some_and(|v| v.start < range.end)
}

/// The first [`Unmarkable`] stretch that `range` touches without covering
/// its whole construct.
pub fn cuts_markup<'u>(zones: &'u [Unmarkable], range: &Range<usize>) -> Option<&'u Unmarkable> {
    zones.iter().find(|u| {
        range.start < u.zone.end
            && u.zone.start < range.end
            && !(u.coverable && range.start <= u.construct.start && u.construct.end <= range.end)
    })
}

/// Renders a standalone Markdown string (an annotation note) with no marks.
pub fn render_note(source: &str, style: &MarkdownStyle<'_>) -> String {
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(
        source,
        markdown_options() - pulldown_cmark::Options::ENABLE_FOOTNOTES,
    )
    .into_offset_iter()
    .collect();
    let mut out = Vec::new();
    let mut overlay = Overlay::empty();
    convert(&events, source, &mut overlay, style, &mut out, source.len());
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    html
}

fn convert<'a>(
    events: &[(Event<'a>, Range<usize>)],
    source: &'a str,
    overlay: &mut Overlay,
    style: &MarkdownStyle<'_>,
    out: &mut Vec<Event<'a>>,
    block_end: usize,
) {
    let run = |overlay: &mut Overlay, out: &mut Vec<Event<'a>>, text: &str, range: Range<usize>| {
        let exact = source.get(range.clone()) == Some(text);
        let mut buf = String::new();
        overlay.run(&mut buf, text, range, exact);
        out.push(Event::InlineHtml(CowStr::from(buf)));
    };
    // Links we dropped (unsafe URL) must also lose their end tag.
    let mut link_kept: Vec<bool> = Vec::new();
    let mut image_depth = 0usize;
    let mut image_kept: Vec<bool> = Vec::new();
    let mut in_link = 0usize;
    let mut i = 0;
    let last = events.len().saturating_sub(1);
    while i < events.len() {
        let (ev, range) = &events[i];
        if i == last && matches!(ev, Event::End(_)) {
            // Before the block closes: anything still pending belongs inside it.
            let mut buf = String::new();
            overlay.close_all(&mut buf);
            overlay.flush_points(&mut buf, block_end);
            if !buf.is_empty() {
                out.push(Event::InlineHtml(CowStr::from(buf)));
            }
        }
        match ev {
            Event::Text(t) if image_depth > 0 => out.push(Event::Text(t.clone())),
            Event::Text(t) => run(overlay, out, t, range.clone()),
            Event::Code(t) => {
                let src = &source[range.clone()];
                let inner = src
                    .find(t.as_ref())
                    .map(|off| range.start + off..range.start + off + t.len());
                out.push(Event::InlineHtml("<code>".into()));
                match inner {
                    Some(r) => run(overlay, out, t, r),
                    None => run(overlay, out, t, range.clone()),
                }
                out.push(Event::InlineHtml("</code>".into()));
            }
            Event::Html(t) | Event::InlineHtml(t) if style.allow_raw_html => {
                out.push(Event::Html(t.clone()))
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                if image_depth > 0 {
                    out.push(Event::Text(t.clone()));
                } else {
                    run(overlay, out, t, range.clone());
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let keep = is_safe_url(dest_url) && in_link == 0;
                link_kept.push(keep);
                if keep {
                    in_link += 1;
                    overlay.link(true);
                    out.push(Event::Start(Tag::Link {
                        link_type: *link_type,
                        dest_url: rebase(dest_url, style.relative_prefix),
                        title: title.clone(),
                        id: id.clone(),
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                if link_kept.pop().unwrap_or(false) {
                    let mut buf = String::new();
                    overlay.close_all(&mut buf);
                    if !buf.is_empty() {
                        out.push(Event::InlineHtml(CowStr::from(buf)));
                    }
                    out.push(Event::End(TagEnd::Link));
                    in_link -= 1;
                    overlay.link(false);
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let keep = is_safe_url(dest_url);
                image_kept.push(keep);
                if keep {
                    image_depth += 1;
                    out.push(Event::Start(Tag::Image {
                        link_type: *link_type,
                        dest_url: rebase(dest_url, style.relative_prefix),
                        title: title.clone(),
                        id: id.clone(),
                    }));
                }
            }
            Event::End(TagEnd::Image) => {
                if image_kept.pop().unwrap_or(false) {
                    image_depth -= 1;
                    out.push(Event::End(TagEnd::Image));
                }
            }
            Event::Start(Tag::Heading { level, .. }) => out.push(Event::Start(Tag::Heading {
                level: shift(*level, style.heading_shift),
                id: None,
                classes: Vec::new(),
                attrs: Vec::new(),
            })),
            Event::End(TagEnd::Heading(level)) => out.push(Event::End(TagEnd::Heading(shift(
                *level,
                style.heading_shift,
            )))),
            Event::Start(Tag::CodeBlock(kind)) => {
                let end = events[i..]
                    .iter()
                    .position(|(e, _)| matches!(e, Event::End(TagEnd::CodeBlock)))
                    .map_or(events.len(), |p| i + p);
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => l.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                if !overlay.touches(range) {
                    let code: String = events[i + 1..end]
                        .iter()
                        .filter_map(|(e, _)| match e {
                            Event::Text(t) => Some(t.as_ref()),
                            _ => None,
                        })
                        .collect();
                    if let Some(inner) = style.highlighter.highlight(&code, &lang) {
                        let lang_class = escape_html(lang.split([',', ' ']).next().unwrap_or(""));
                        out.push(Event::Html(CowStr::from(format!(
                            "<pre class=\"code\"><code class=\"language-{lang_class}\">{inner}</code></pre>\n"
                        ))));
                        i = end + 1;
                        continue;
                    }
                }
                out.push(Event::Start(Tag::CodeBlock(kind.clone())));
            }
            Event::FootnoteReference(label) => {
                let id = footnote_id(label);
                let text = escape_html(label);
                let html = if in_link > 0 {
                    format!("<sup class=\"src-fnref\">{text}</sup>")
                } else {
                    format!(
                        "<sup class=\"src-fnref\"><a href=\"#{p}fn-{id}\">{text}</a></sup>",
                        p = style.id_prefix
                    )
                };
                out.push(Event::InlineHtml(CowStr::from(html)));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                out.push(Event::Html(CowStr::from(format!(
                    "<div class=\"src-fn\" id=\"{p}fn-{id}\"><span class=\"src-fn-label\">{text}</span>",
                    p = style.id_prefix,
                    id = footnote_id(label),
                    text = escape_html(label)
                ))));
            }
            Event::End(TagEnd::FootnoteDefinition) => out.push(Event::Html("</div>\n".into())),
            other => out.push(other.clone()),
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::blocks::markdown_blocks;
    use super::super::overlay::{Mark, Point};
    use super::*;

    fn style(h: &Highlighter) -> MarkdownStyle<'_> {
        MarkdownStyle {
            allow_raw_html: false,
            heading_shift: 1,
            id_prefix: "o-",
            highlighter: h,
            relative_prefix: "",
        }
    }

    #[test]
    fn relative_urls_are_rebased_and_others_kept() {
        let cases = [
            ("other/", "../other/"),
            ("img/a.png", "../img/a.png"),
            ("./x", ".././x"),
            ("/abs/", "/abs/"),
            ("#note-1", "#note-1"),
            ("?q=1", "?q=1"),
            ("https://example.org/a", "https://example.org/a"),
            ("mailto:a@example.org", "mailto:a@example.org"),
            ("a/b:c", "../a/b:c"),
            ("", ""),
        ];
        for (url, want) in cases {
            assert_eq!(&*rebase(&CowStr::from(url), "../"), want, "{url}");
            assert_eq!(&*rebase(&CowStr::from(url), ""), url);
        }
        assert!(has_relative_url("See [the other edition](../beta/)."));
        assert!(!has_relative_url(
            "See [the source](https://example.org/) and [above](#p1)."
        ));
    }

    fn ins(range: Range<usize>) -> Mark {
        Mark {
            range,
            rank: 1,
            open_first: "<ins id=\"c1\">".into(),
            open_rest: "<ins>".into(),
            close: "</ins>",
        }
    }

    fn render(src: &str, marks: Vec<Mark>, points: Vec<Point>) -> String {
        let h = Highlighter::new();
        let doc = markdown_blocks(src);
        let blocks: Vec<&Block> = doc.blocks.iter().collect();
        let mut o = Overlay::new(marks, points);
        render_blocks(&doc.events, src, &blocks, &mut o, &style(&h))
    }

    #[test]
    fn marks_next_to_emphasis_and_inside_links() {
        let src = "said *very* loudly [the Global News](https://globalnews.ca) site";
        // mark "loudly " (12..19) and "Global" inside the link text
        let g = src.find("Global").unwrap();
        let html = render(src, vec![ins(12..19), ins(g..g + 6)], vec![]);
        assert_eq!(
            html,
            "<p>said <em>very</em> <ins id=\"c1\">loudly </ins><a href=\"https://globalnews.ca\">the <ins id=\"c1\">Global</ins> News</a> site</p>\n"
        );
    }

    #[test]
    fn raw_html_and_entities_stay_text() {
        let html = render("a <script>alert(1)</script> & <b>b</b>", vec![], vec![]);
        assert_eq!(
            html,
            "<p>a &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;b&lt;/b&gt;</p>\n"
        );
    }

    #[test]
    fn unsafe_urls_are_dropped() {
        let html = render(
            "[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) [z](<java\tscript:alert(1)>) ![i](data:image/png;base64,AA) [ok](/p)",
            vec![],
            vec![],
        );
        assert!(!html.contains("javascript"), "{html}");
        assert!(!html.to_lowercase().contains("data:"), "{html}");
        assert!(html.contains("<a href=\"/p\">ok</a>"), "{html}");
        assert!(html.contains("x y z i"), "{html}");
    }

    #[test]
    fn headings_shift_and_points_land_inside_the_block() {
        let html = render(
            "# Title\n\nend",
            vec![],
            vec![Point {
                at: 7,
                html: "<sup>1</sup>".into(),
                is_link: true,
            }],
        );
        assert_eq!(html, "<h2>Title<sup>1</sup></h2>\n<p>end</p>\n");
    }

    #[test]
    fn source_footnotes_get_scoped_ids() {
        let html = render("A claim.[^1]\n\n[^1]: The source.\n", vec![], vec![]);
        assert!(html.contains("<a href=\"#o-fn-1\">1</a>"), "{html}");
        assert!(
            html.contains("<div class=\"src-fn\" id=\"o-fn-1\">"),
            "{html}"
        );
    }

    #[test]
    fn code_is_highlighted_unless_marked() {
        let src = "```rust\nfn main() {}\n```\n";
        let html = render(src, vec![], vec![]);
        assert!(
            html.contains("<pre class=\"code\"><code class=\"language-rust\">"),
            "{html}"
        );
        let html = render(src, vec![ins(11..15)], vec![]);
        assert!(
            html.contains("<pre><code class=\"language-rust\">fn <ins id=\"c1\">main</ins>()"),
            "{html}"
        );
    }

    #[test]
    fn unmarkable_stretches_are_found() {
        let src = "See [the report](https://example.org/a \"Title\") and ![alt text](i.png).\n\n```rust\nfn x() {}\n```\n\nA note[^one] here.\n\n[^one]: The note.\n\n[ref]: https://example.org/r\n\nA [ref link][ref].\n";
        let zones = unmarkable(src);
        let texts: Vec<(&str, &str)> = zones
            .iter()
            .map(|u| (&src[u.zone.clone()], u.what))
            .collect();
        assert_eq!(
            texts,
            [
                (
                    "](https://example.org/a \"Title\")",
                    "a link's address or title"
                ),
                (
                    "![alt text](i.png)",
                    "an image (its alt text, address or title)"
                ),
                ("```rust", "a code fence's info string"),
                ("[^one]", "a footnote label"),
                ("[^one]:", "a footnote label"),
                (
                    "[ref]: https://example.org/r",
                    "a link reference definition"
                ),
                ("][ref]", "a link's address or title"),
            ]
        );
        let at = |needle: &str| {
            let i = src.find(needle).unwrap();
            i..i + needle.len()
        };
        // Inside the address: refused; the link text, or the whole link: fine.
        assert!(cuts_markup(&zones, &at("example.org/a")).is_some());
        assert!(cuts_markup(&zones, &at("Title")).is_some());
        assert!(cuts_markup(&zones, &at("alt")).is_some());
        assert!(cuts_markup(&zones, &at("rust\n")).is_some());
        assert!(cuts_markup(&zones, &at("one]:")).is_some());
        assert!(cuts_markup(&zones, &at("example.org/r")).is_some());
        assert!(cuts_markup(&zones, &at("the report")).is_none());
        assert!(
            cuts_markup(&zones, &at("[the report](https://example.org/a \"Title\")")).is_none()
        );
        assert!(cuts_markup(&zones, &at("fn x")).is_none());
        assert!(cuts_markup(&zones, &at("```rust\nfn x() {}\n```")).is_none());
        // An image or a reference definition shows no text a mark could go around.
        assert!(cuts_markup(&zones, &at("![alt text](i.png)")).is_some());
        assert!(cuts_markup(&zones, &at("[ref]: https://example.org/r")).is_some());
        assert!(cuts_markup(&zones, &at("The note")).is_none());
    }

    #[test]
    fn only_syntax_is_not_visible_text() {
        let src = "* item *emph*\n\n# Head\n";
        let visible = visible_text(src);
        let at = |a: usize, b: usize| a..b;
        assert!(!touches_text(&visible, &at(0, 1)), "the list marker");
        assert!(touches_text(&visible, &at(2, 6)), "item");
        assert!(!touches_text(&visible, &at(7, 8)), "the emphasis star");
        assert!(touches_text(&visible, &at(7, 10)));
        assert!(!touches_text(&visible, &at(15, 16)), "the heading mark");
        let src = "`code` and ``x``";
        let visible = visible_text(src);
        assert!(!touches_text(&visible, &at(5, 6)), "a closing backtick");
        assert!(touches_text(&visible, &at(1, 5)));
        assert!(!touches_text(&visible, &at(11, 13)));
    }

    #[test]
    fn plain_text_drops_markup_and_separates_blocks() {
        assert_eq!(
            plain_text_of(
                "A *very* [good](https://x.org) `idea`.\n\n- one\n- two\n\nline\nbreak <b>x</b>"
            ),
            "A very good idea. one two line break x"
        );
    }

    #[test]
    fn safe_url_rules() {
        for ok in [
            "https://x.org",
            "/a/b",
            "#n1",
            "mailto:a@b.c",
            "a/b:c",
            "?q=a:b",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:x",
            " JAVASCRIPT:x",
            "java\nscript:x",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc",
        ] {
            assert!(!is_safe_url(bad), "{bad}");
        }
    }
}
