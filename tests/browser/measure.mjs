// Measures the figures of issue 13 on a built site (not part of the suite):
//   node measure.mjs <output folder> [slug]
// Prints, at 1280 px: the edition page's height and the reading view's, their
// ratio, the share of the text area's height that is corrected text, and the
// length of what copying two consecutive corrected paragraphs yields compared
// with their text.
import { launch, serve, WIDE } from "./lib/harness.mjs";
import { copyAcross } from "./lib/checks.mjs";

const [out, slug = "han-dong-two-michaels"] = process.argv.slice(2);
const server = await serve(out, "/");
const browser = await launch();
const context = await browser.newContext({ viewport: { width: WIDE.width, height: WIDE.height }, deviceScaleFactor: 1 });
const page = await context.newPage();
const height = async (rel) => {
  await page.goto(server.base + rel, { waitUntil: "load" });
  return page.evaluate(() => document.documentElement.scrollHeight);
};
const reading = await height(`${slug}/corrected/index.html`);
const article = await height(`${slug}/index.html`);
const share = await page.evaluate(() => {
  const cells = [...document.querySelectorAll(".cell.corr")];
  const grid = document.querySelector(".grid");
  let text = 0;
  for (const cell of cells) {
    const range = document.createRange();
    range.selectNodeContents(cell);
    text += range.getBoundingClientRect().height;
  }
  return { text: Math.round(text), grid: Math.round(grid.getBoundingClientRect().height) };
});
const copied = await copyAcross(page, Number(process.env.FROM || 2));
console.log(JSON.stringify({ article, reading, ratio: +(article / reading).toFixed(2), textHeight: share.text, gridHeight: share.grid, textShare: +(share.text / share.grid).toFixed(2), copied: copied.copied.length, passage: copied.index, expected: copied.expected.length, copiedText: copied.copied.slice(0, 160) }, null, 1));
await browser.close();
await server.close();
