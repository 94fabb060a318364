import * as path from "node:path";
import {
  CST,
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Parser,
  visit,
  type Document,
  type Node,
  type YAMLSeq,
} from "yaml";
import { readBoundedFile } from "../files/boundedFile";
import { loadFleet } from "../files/fleetReader";
import { hasExpired, type IsoDate } from "../infra/model/dates";
import { fileProblem } from "../infra/model/fleet";
import type { Problem } from "../infra/model/problem";
import { FileWriteError, writeFileAtomic } from "../files/atomicWrite";

export interface RemovedGrant {
  readonly file: string;
  readonly user: string;
  readonly role: string;
  readonly environment: string;
  readonly expires: string;
}

export interface ExpirySweep {
  readonly removed: readonly RemovedGrant[];
  /** Files with expired grants that could not be edited safely: left unchanged, each with the reason. */
  readonly refused: readonly Problem[];
}

/** Replace `[start, end)` of the original text by `text`. */
interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const lineStart = (text: string, offset: number) => text.lastIndexOf("\n", offset - 1) + 1;
const lineEnd = (text: string, offset: number) => {
  const newline = text.indexOf("\n", offset);
  return newline === -1 ? text.length : newline + 1;
};
const indentation = (line: string) => line.length - line.trimStart().length;
const isBlank = (line: string) => line.trim() === "";
const isComment = (line: string) => line.trimStart().startsWith("#");

/**
 * The comment lines directly above `at` (a line start) that belong to the item starting there: comment-only lines at
 * the item's own column, with no blank line between. A comment at another column, or after a blank line, describes
 * more than this item and stays.
 */
function attachedCommentsStart(text: string, at: number, column: number): number {
  let start = at;
  while (start > 0) {
    const previous = lineStart(text, start - 1);
    const line = text.slice(previous, start).replace(/\r?\n$/, "");
    if (!isComment(line) || indentation(line) !== column) break;
    start = previous;
  }
  return start;
}

/**
 * The lines of one block sequence item: from its attached comments to its last line, with trailing blank lines and
 * comments at or left of its dash (which introduce what follows) left out.
 */
function blockItemRange(text: string, item: CST.BlockSequence["items"][number]): { start: number; end: number } {
  const dash = item.start.find((token) => token.type === "seq-item-ind");
  const first = item.start[0] ?? item.value;
  if (!dash || !first || !("offset" in first)) throw new Error("a sequence item without its dash");
  const dashLine = lineStart(text, dash.offset);
  const column = dash.offset - dashLine;
  let end = first.offset + CST.stringify(item).length;
  while (end > dashLine) {
    const last = lineStart(text, end - 1);
    const line = text.slice(last, end).replace(/\r?\n$/, "");
    if (last <= dashLine || !(isBlank(line) || (isComment(line) && indentation(line) <= column))) break;
    end = last;
  }
  return { start: attachedCommentsStart(text, dashLine, column), end: lineEnd(text, end - 1) };
}

/** The top-level `access:` pair of a document's CST, when the document is a block mapping. */
function accessPair(text: string): CST.BlockMap["items"][number] | undefined {
  const documents = [...new Parser().parse(text)].filter((token) => token.type === "document");
  const [document] = documents;
  if (documents.length !== 1 || document?.value?.type !== "block-map") return undefined;
  return document.value.items.find((pair) => pair.key && CST.resolveAsScalar(pair.key)?.value === "access");
}

/** Edits that delete block sequence items `indexes` (their lines and attached comments, nothing else). */
function blockEdits(text: string, sequence: CST.BlockSequence, indexes: ReadonlySet<number>): Edit[] {
  const items = sequence.items.filter((item) => item.start.some((token) => token.type === "seq-item-ind"));
  const edits = items.flatMap((item, index) =>
    indexes.has(index) ? [{ ...blockItemRange(text, item), text: "" }] : [],
  );
  return edits;
}

/** Where a flow sequence item's value starts and ends. */
const valueRange = (node: Node) => ({ start: node.range?.[0] ?? 0, end: node.range?.[1] ?? 0 });

/**
 * Edits that delete flow sequence items: an item alone on its lines goes with its lines (and a comma and comment on
 * them); otherwise the item and one separator, so `[a, b, c]` becomes `[a, c]`, `[a]` or `[]`.
 */
function flowEdits(text: string, items: readonly Node[], indexes: ReadonlySet<number>): Edit[] {
  const ranges = items.map(valueRange);
  const kept = items.map((_, index) => !indexes.has(index));
  const ownLines = ranges.map((range): Edit | undefined => {
    const before = text.slice(lineStart(text, range.start), range.start);
    const after = /^[ \t]*,?[ \t]*(#[^\n]*)?(\r?\n|$)/.exec(text.slice(range.end));
    if (!isBlank(before) || !after) return undefined;
    const start = attachedCommentsStart(text, lineStart(text, range.start), before.length);
    return { start, end: range.end + after[0].length, text: "" };
  });
  if (!kept.includes(true) && ownLines.includes(undefined)) {
    const [first, last] = [ranges[0], ranges[ranges.length - 1]];
    if (!first || !last) return [];
    const trailingComma = /^\s*,/.exec(text.slice(last.end));
    return [{ start: first.start, end: last.end + (trailingComma?.[0].length ?? 0), text: "" }];
  }
  return ranges.flatMap((range, index) => {
    if (kept[index]) return [];
    const lines = ownLines[index];
    if (lines) return [lines];
    const next = ranges[index + 1];
    if (kept.slice(index + 1).includes(true) && next) return [{ start: range.start, end: next.start, text: "" }];
    const previousKept = ranges[kept.lastIndexOf(true, index)];
    return [{ start: previousKept ? previousKept.end : range.start, end: range.end, text: "" }];
  });
}

/** Apply non-overlapping-or-overlapping deletions and insertions to `text`. */
function applyEdits(text: string, edits: readonly Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  let result = "";
  let position = 0;
  for (const edit of sorted) {
    if (edit.start > position) result += text.slice(position, edit.start);
    result += edit.text;
    position = Math.max(position, edit.end);
  }
  return result + text.slice(position);
}

/**
 * An anchor (&name) inside a removed grant that a kept value uses (*name) moves to that value's first use, when it
 * marks a scalar: `*dev` becomes `&dev dev.abc@ai-dev.no`, so the kept grant reads as before. An anchor on a mapping
 * or list cannot move without rewriting its lines: undefined, and the file is left for a person.
 */
function anchorEdits(text: string, document: Document, removed: readonly Edit[]): Edit[] | undefined {
  const inside = (offset: number) => removed.some((edit) => offset >= edit.start && offset < edit.end);
  const anchors = new Map<string, Node>();
  const firstUse = new Map<string, Node>();
  visit(document, (_key, node) => {
    if (!isNode(node) || !node.range) return;
    if (isAlias(node)) {
      if (!inside(node.range[0]) && !firstUse.has(node.source)) firstUse.set(node.source, node);
    } else if (node.anchor && inside(node.range[0])) {
      anchors.set(node.anchor, node);
    }
  });
  const edits: Edit[] = [];
  for (const [name, use] of firstUse) {
    const anchored = anchors.get(name);
    if (!anchored) continue;
    if (!isScalar(anchored) || !anchored.range || !use.range) return undefined;
    const value = text.slice(anchored.range[0], anchored.range[1]);
    edits.push({ start: use.range[0], end: use.range[1], text: `&${name} ${value}` });
  }
  return edits;
}

/** The data `text` reads back as, or undefined when it does not parse. */
function readBack(text: string): unknown {
  const check = parseDocument(text, { uniqueKeys: true });
  if (check.errors.length > 0) return undefined;
  try {
    return check.toJS({ maxAliasCount: 100 }) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The owner file `text` without its grants at `indexes`: exactly those grants' lines (or, in a flow list, their text
 * and one comma) and the comments attached to them are gone; every other byte stays, so flow style, line endings,
 * alignment and wrapping of what is kept are untouched. A string is the new text; a Problem says why not.
 */
export function withoutGrants(file: string, text: string, indexes: readonly number[]): string | Problem {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  const at = (node: Node | undefined, message: string): Problem => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { file, line, column: col, path: "access", message };
  };
  const access = document.get("access", true) as Node | undefined;
  const pair = accessPair(text);
  if (!isSeq(access) || !pair?.value || access.items.some((item) => !isMap(item))) {
    return at(access, "access is not written as a plain list of grants (an alias?): remove the expired grants by hand");
  }
  const selected = new Set(indexes);
  const grants = (access as YAMLSeq<Node>).items;
  const removals =
    pair.value.type === "block-seq"
      ? blockEdits(text, pair.value, selected)
      : pair.value.type === "flow-collection"
        ? flowEdits(text, grants, selected)
        : [];
  const anchors = anchorEdits(text, document, removals);
  // Every grant gone from a block list: `access: []` keeps the key a list (an empty `access:` would read as null).
  const emptied =
    pair.value.type === "block-seq" && grants.every((_, index) => selected.has(index))
      ? pairColonEdit(pair)
      : undefined;
  const expected = document.toJS({ maxAliasCount: 100 }) as { access: unknown[] };
  expected.access = expected.access.filter((_, index) => !selected.has(index));
  const edited = anchors && applyEdits(text, [...removals, ...anchors, ...(emptied ? [emptied] : [])]);
  // The edited file must read back as exactly the old data minus the removed grants, or it is not written.
  if (edited === undefined || JSON.stringify(readBack(edited)) !== JSON.stringify(expected)) {
    return at(access, "the file could not be edited without changing other values: remove the expired grants by hand");
  }
  return edited;
}

/** `access:` → `access: []`, right after the colon (a comment on that line stays after it). */
function pairColonEdit(pair: CST.BlockMap["items"][number]): Edit | undefined {
  const colon = pair.sep?.find((token) => token.type === "map-value-ind");
  return colon && { start: colon.offset + 1, end: colon.offset + 1, text: " []" };
}

function editOwnerFile(root: string, file: string, indexes: readonly number[]): string | Problem {
  const absolute = path.join(root, file);
  const read = readBoundedFile(absolute);
  if ("problem" in read || read.text === undefined)
    return fileProblem(file, "problem" in read ? read.problem : "file not found");
  const edited = withoutGrants(file, read.text, indexes);
  if (typeof edited !== "string") return edited;
  try {
    writeFileAtomic(absolute, edited);
  } catch (error) {
    if (error instanceof FileWriteError)
      return fileProblem(file, `cannot be written (${error.reason}): left as it was`);
    throw error;
  }
  return edited;
}

/**
 * Remove every expired grant from the owner files, deleting exactly their lines so comments and layout survive.
 * A file that cannot be edited safely, or written, is left as it was and reported; the other files are still swept.
 */
export function removeExpiredGrants(root: string, today: IsoDate): ExpirySweep {
  const { fleet } = loadFleet(root, today);
  const removed: RemovedGrant[] = [];
  const refused: Problem[] = [];
  for (const { file, owner } of fleet.owners) {
    const expired = owner.access.flatMap((grant, index) =>
      hasExpired(grant.expires, today) ? [{ grant, index }] : [],
    );
    if (expired.length === 0) continue;
    const result = editOwnerFile(
      root,
      file,
      expired.map(({ index }) => index),
    );
    if (typeof result !== "string") {
      refused.push(result);
      continue;
    }
    removed.push(
      ...expired.map(({ grant }) => ({
        file,
        user: grant.user,
        role: grant.role,
        environment: grant.environment,
        expires: grant.expires ?? "",
      })),
    );
  }
  return { removed, refused };
}
