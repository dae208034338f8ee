// The pages the audits run on, in one place. `path` is relative to the output
// folder. An entry with `pending` is reported as skipped with that reason; once
// its page exists in the output, the suite fails until `pending` is removed,
// so a new page cannot stay unaudited by accident.

/** Pages of the browser fixture (tests/fixtures/browser). */
export const FIXTURE_PAGES = [
  { name: "index", path: "index.html" },
  { name: "article (plain text)", path: "harbour-report/index.html", article: true },
  { name: "article (Markdown)", path: "council-notes/index.html", article: true },
  // The dense and sparse articles share the plain-text article's templates,
  // whose keyboard walk covers them (`walk: false` keeps the interaction file
  // within its time limit); their layout and overview are checked at four widths.
  { name: "article (dense: a change every two words)", path: "library-vote/index.html", article: true, walk: false },
  { name: "article (sparse: one change)", path: "ferry-timetable/index.html", article: true, walk: false },
  { name: "reading view", path: "harbour-report/corrected/index.html" },
  { name: "glossary", path: "glossary/index.html" },
  { name: "site page", path: "about/index.html" },
  { name: "search", path: "search/index.html" },
  { name: "404", path: "404.html" },
];

/** Pages of the bundled site (content/). */
export const BUNDLED_PAGES = [
  { name: "index", path: "index.html" },
  { name: "article", path: "han-dong-two-michaels/index.html", article: true },
  { name: "reading view", path: "han-dong-two-michaels/corrected/index.html" },
  { name: "glossary", path: "glossary/index.html" },
  { name: "methodology page", path: "methodology/index.html" },
  { name: "search", path: "search/index.html" },
  { name: "404", path: "404.html" },
];

/** Both sites with their pages. */
export const SITES = [
  { site: "browser", label: "fixture", pages: FIXTURE_PAGES },
  { site: "bundled", label: "bundled site", pages: BUNDLED_PAGES },
];
