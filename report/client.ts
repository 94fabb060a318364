/** At most this many grant rows are in the page at once; the rest wait in its data block (the "show all" button). */
export const ROWS_SHOWN = 50;

/**
 * The pages' only script, inlined (the site makes no requests) and allowed by its hash in each page's
 * Content-Security-Policy. Every grant's row, escaped by the generator, waits in a JSON data block with its
 * lower-cased search text (person, UPN, owner code and names, role, environment, access); as one types, the rows in
 * which every word occurs replace the table's body, at most ROWS_SHOWN of them unless "show all" is pressed. Keeping
 * thousands of rows out of the table is what keeps a keystroke fast: a table lays out all its rows again on a change.
 * Plain ES2017 on purpose: it is shipped as written, not compiled.
 */
export const SEARCH_SCRIPT = `"use strict";
(function () {
  var LIMIT = ${ROWS_SHOWN};
  var input = document.getElementById("grant-search");
  var status = document.getElementById("grant-search-status");
  var more = document.getElementById("grant-show-all");
  var body = document.querySelector("#grants tbody");
  var data = document.getElementById("grant-rows");
  if (!input || !status || !more || !body || !data) return;
  var rows = JSON.parse(data.textContent);
  var showAll = false;
  function update() {
    var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var matches = [];
    for (var i = 0; i < rows.length; i++) {
      var match = true;
      for (var w = 0; w < words.length && match; w++) match = rows[i][0].indexOf(words[w]) !== -1;
      if (match) matches.push(rows[i][1]);
    }
    var shown = showAll ? matches.length : Math.min(matches.length, LIMIT);
    body.innerHTML = matches.slice(0, shown).join("");
    more.hidden = shown === matches.length;
    more.textContent = "Show all " + matches.length + " matching grants";
    status.textContent = shown === rows.length ? "Showing all " + rows.length + " grants."
      : shown === matches.length ? "Showing " + shown + " of " + rows.length + " grants."
      : words.length === 0 ? "Showing the first " + shown + " of " + rows.length + " grants."
      : "Showing the first " + shown + " of " + matches.length + " matching grants (" + rows.length + " in all).";
  }
  input.addEventListener("input", update);
  more.addEventListener("click", function () { showAll = true; update(); });
  update();
})();
`;

export const STYLES = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #4a5563; --line: #c9d1d9; --link: #0b55a6; --warn-bg: #fff1c2;
  --warn-ink: #6b3e00; --bad-bg: #fde4e2; --bad-ink: #8a1c14; --ok-ink: #1d5f2c; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1280px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
a { color: var(--link); }
a:focus-visible, input:focus-visible { outline: 3px solid #1f6feb; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 1; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
.meta, .hint, .upn, .sub { color: var(--muted); }
.upn, .sub { font-size: .85em; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
caption { text-align: left; color: var(--muted); padding: .25rem 0; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
thead th { background: #eef1f4; position: sticky; top: 0; }
/* Fixed layout: a change in the grants table does not measure every cell again to size the columns. */
#grants { table-layout: fixed; }
#grants td { overflow-wrap: anywhere; }
/* A header breaks between words only: each column is wide enough for its longest header word at 1024 px and up. */
#grants thead th { overflow-wrap: normal; }
th .sub { font-weight: normal; }
#grants col.person { width: 14%; } #grants col.owner { width: 11%; } #grants col.role { width: 9%; }
#grants col.environment { width: 11.5%; } #grants col.access { width: 9%; } #grants col.expires { width: 10%; }
#grants col.ticket { width: 8.5%; } #grants col.reason { width: 11%; } #grants col.added { width: 16%; }
section.grants { contain: layout; }
/* Counts and their headers both right-aligned, so each column's numbers line up under its header. */
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.expiring { background: var(--warn-bg); }
tr.expired { background: var(--bad-bg); }
.badge { display: inline-block; font-size: .8em; font-weight: 600; padding: 0 .4em; border-radius: .3em; border: 1px solid; }
.expiring .badge, .badge.expiring { color: var(--warn-ink); }
.expired .badge, .badge.expired { color: var(--bad-ink); }
.missing { color: var(--bad-ink); }
.missing ul { margin: .25rem 0 0; padding-left: 1.2rem; }
.accepted { color: var(--ok-ink); }
.notice { border-left: 4px solid #8c959f; background: #f3f5f7; padding: .5rem .75rem; }
.search { display: grid; gap: .25rem; max-width: 40rem; margin: .5rem 0; }
.search label { font-weight: 600; }
.search input { font: inherit; padding: .4rem .5rem; border: 1px solid #57606a; border-radius: .3rem; }
.search p { margin: 0; }
button { font: inherit; padding: .35rem .75rem; border: 1px solid #57606a; border-radius: .3rem; background: #f6f8fa; color: var(--ink); cursor: pointer; }
button:focus-visible { outline: 3px solid #1f6feb; outline-offset: 2px; }
code { font-size: .9em; }
.subject { display: block; max-width: 18rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
th .upn { font-weight: normal; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
svg.timeline { max-width: 1000px; font-size: 11px; }
svg.timeline .axis line { stroke: #d0d7de; }
svg.timeline text { fill: var(--ink); }
svg.timeline .bar rect { fill: #0b55a6; }
svg.timeline .bar.expiring rect { fill: #b35900; }
svg.timeline .bar.expired rect { fill: #b3261e; }
svg.timeline .bar.open rect { fill: #5f6b7a; }
svg.timeline .today line { stroke: #1b1f24; stroke-dasharray: 3 3; }
`;
