/**
 * The one way the access report writes HTML. Every interpolated value is escaped for both text and (double- or
 * single-quoted) attribute positions unless it is an `Html` fragment this code built itself, so nothing in an owner
 * file (a name, a reason, a commit subject) can open a tag, close an attribute or start a script. Markdown output has
 * its own helper, cli/markdown.ts: the two languages escape differently.
 */

/** A fragment built by `html` (or `raw` for text this code wrote itself): inserted as it is. */
export interface Html {
  readonly html: string;
}

const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ENTITIES[character] ?? character);
}

export function raw(markup: string): Html {
  return { html: markup };
}

/** What a template may interpolate: values are escaped, fragments kept, lists joined, and absent values omitted. */
export type HtmlValue = string | number | Html | readonly HtmlValue[] | undefined | null | false;

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return "";
  if (typeof value === "string") return escapeHtml(value);
  if (typeof value === "number") return escapeHtml(String(value));
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join("");
  return (value as Html).html;
}

/** A tagged template: html`<td>${name}</td>` escapes `name`. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  return raw(strings.reduce((markup, part, index) => markup + render(values[index - 1]) + part));
}

/** An href for a link to a value from a file: only https URLs become links, anything else (javascript:, data:) none. */
export function safeHttpsUrl(value: string): string | undefined {
  try {
    return new URL(value).protocol === "https:" ? value : undefined;
  } catch {
    return undefined;
  }
}
