/**
 * The one way this repository writes markdown that contains values from files (names, reasons, tickets, messages):
 * every such value goes through `text()` or a table cell, so nothing in an owner file can add a heading, a link, an
 * HTML comment that hides the rest of a PR comment, or a table column.
 */

/** A fragment this code wrote itself (emphasis, code spans of known identifiers, emoji): inserted as it is. */
export interface Markdown {
  readonly markdown: string;
}

export function raw(markdown: string): Markdown {
  return { markdown };
}

const HTML_ENTITIES: Record<string, string> = { "<": "&lt;", ">": "&gt;", "&": "&amp;" };

/**
 * Escape a value for inline markdown: HTML-significant characters become entities (no tag or comment can open),
 * markdown punctuation is backslash-escaped, and line breaks and other control characters become spaces (no new
 * block can start).
 */
export function text(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex -- control characters are exactly what must not reach the output
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
      .replace(/[<>&]/g, (character) => HTML_ENTITIES[character] ?? character)
      .replace(/[\\`*_{}[\]()#+\-.!|~=:@]/g, (character) => `\\${character}`)
  );
}

/** An inline code span for a value from a file; backticks inside cannot close it early. */
export function code(value: string): string {
  const clean = value.replace(/[\r\n]+/g, " ");
  const longestRun = Math.max(0, ...[...clean.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longestRun + 1);
  const padding = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
  // Inside a table a pipe still splits the cell, even in a code span (GFM), so it is escaped here too.
  return `${fence}${padding}${clean.replaceAll("|", "\\|")}${padding}${fence}`;
}

export type Cell = string | Markdown;

function render(cell: Cell): string {
  // A pipe code() has escaped already stays as it is: escaping it twice would show the backslash.
  return typeof cell === "string" ? text(cell) : cell.markdown.replace(/\r?\n/g, "<br>").replace(/(?<!\\)\|/g, "\\|");
}

/** A GFM table; plain strings are escaped, `raw()` fragments are kept (with their pipes and line breaks made safe). */
export function table(headers: readonly Cell[], rows: readonly (readonly Cell[])[]): string[] {
  return [
    `| ${headers.map(render).join(" | ")} |`,
    `|${headers.map(() => "---").join("|")}|`,
    ...rows.map((row) => `| ${row.map(render).join(" | ")} |`),
  ];
}

/** A multi-line value from a file as one table cell: each line escaped, the lines joined with `<br>`. */
export function textLines(value: string): Markdown {
  return raw(value.split(/\r?\n/).map(text).join("<br>"));
}
