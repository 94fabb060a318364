import {
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Document,
  type Node,
  type YAMLError,
} from "yaml";
import type { FieldPath, Problem } from "./problem";
import { formatPath } from "./problem";

/** A YAML document that can turn a field path back into a line and column. */
export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  /** Problems from the YAML layer itself (syntax, duplicate keys); when any exist, `data` is not trustworthy. */
  readonly syntaxProblems: Problem[];
  problemAt(path: FieldPath, message: string, options?: { atKey?: boolean }): Problem;
}

/**
 * Bytes a reviewer cannot see: C0 controls but tab, line feed and carriage return (NUL, ESC and its terminal
 * sequences, backspace…), DEL and the C1 controls. Anywhere in the file, comments included: GitHub shows a file
 * with a NUL as binary and hides its diff, and an escape sequence can redraw what a terminal shows.
 */
// eslint-disable-next-line no-control-regex
const UNSEEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** Each line holding an unseen character, at its first one. */
function unseenCharacterProblems(file: string, text: string, lineCounter: LineCounter): Problem[] {
  const byLine = new Map<number, Problem>();
  for (const match of text.matchAll(UNSEEN)) {
    const { line, col } = lineCounter.linePos(match.index);
    if (byLine.has(line)) continue;
    const code = `U+${(match[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
    byLine.set(line, {
      file,
      line,
      column: col,
      path: "",
      message: `a control character (${code}) is not allowed anywhere in the file, comments included: remove it`,
    });
  }
  return [...byLine.values()];
}

/** A tag (`!!str`, `!!js/function`, `!custom`, `!`) on any node: values are written plainly, their meaning is the schema's. */
function tagProblems(file: string, document: Document, lineCounter: LineCounter): Problem[] {
  const problems: Problem[] = [];
  visit(document, (_key, node) => {
    if (!isNode(node) || node.tag === undefined) return;
    const { line, col } = lineCounter.linePos(node.range?.[0] ?? 0);
    problems.push({
      file,
      line,
      column: col,
      path: "",
      message: `YAML tags (here ${node.tag.replace(/^tag:yaml.org,2002:/, "!!")}) are not allowed: write the value without it`,
    });
  });
  return problems;
}

export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const unseen = unseenCharacterProblems(file, text, lineCounter);
  const syntaxProblems =
    unseen.length > 0
      ? unseen
      : [...syntaxProblemsOf(file, document.errors), ...tagProblems(file, document, lineCounter)];
  const positionOf = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const data = syntaxProblems.length > 0 ? undefined : toData(document, file, syntaxProblems);
  return {
    file,
    data,
    syntaxProblems,
    problemAt(path, message, options = {}) {
      const offset = offsetOf(document, path, options.atKey ?? false);
      return { file, ...positionOf(offset), path: formatPath(path), message };
    },
  };
}

/** `toJS` throws on what parsing let through (an alias whose anchor is missing): report it like a syntax error. */
function toData(document: Document, file: string, syntaxProblems: Problem[]): unknown {
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    syntaxProblems.push({ file, line: 1, column: 1, path: "", message: firstLine(message) });
    return undefined;
  }
}

/** The start of the deepest node on `path` that exists: a missing field is reported where its parent is. */
function offsetOf(document: Document, path: FieldPath, atKey: boolean): number {
  let node: unknown = document.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [index, segment] of path.entries()) {
    const isLast = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      const keyStart = rangeStart(pair.key);
      const valueStart = rangeStart(pair.value);
      offset = (isLast && atKey ? keyStart : (valueStart ?? keyStart)) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

/**
 * What the parser's error codes mean for someone editing an owner file. One mistake (a mis-indented line) makes the
 * parser report several errors on the same line: only the first of each line is shown.
 */
const PLAIN_WORDS: Partial<Record<YAMLError["code"], string>> = {
  BAD_INDENT: "the indentation is wrong here: line it up with the other entries at the same level",
  MISSING_CHAR: 'the indentation is wrong here, or a "-", ":" or closing bracket is missing',
  BLOCK_AS_IMPLICIT_KEY: "a key and its value must be on one line, or the value indented below the key",
  MULTILINE_IMPLICIT_KEY: "a key must be on a single line: the indentation of this line is probably wrong",
  TAB_AS_INDENT: "tabs are not allowed for indentation: use spaces",
  DUPLICATE_KEY: "this key appears twice in the same section: keys must be unique",
  BAD_DQ_ESCAPE: "invalid escape sequence in a double-quoted string",
  MULTIPLE_DOCS: "only one YAML document is allowed per file (remove the ---)",
  BAD_ALIAS: "an alias (*name) must refer to an anchor (&name) defined before it",
  UNEXPECTED_TOKEN: "unexpected text here: check the indentation and quoting",
  BLOCK_IN_FLOW: "a block value cannot be inside [ ] or { }",
  KEY_OVER_1024_CHARS: "a key may be at most 1024 characters",
};

function syntaxProblemsOf(file: string, errors: readonly YAMLError[]): Problem[] {
  const byLine = new Map<number, Problem>();
  for (const error of errors) {
    const position = error.linePos?.[0] ?? { line: 1, col: 1 };
    if (byLine.has(position.line)) continue;
    const message = /Maximum call stack/.test(error.message)
      ? "nested too deeply to read"
      : (PLAIN_WORDS[error.code] ?? firstLine(error.message));
    byLine.set(position.line, { file, line: position.line, column: position.col, path: "", message });
  }
  return [...byLine.values()];
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}
