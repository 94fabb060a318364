import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type YAMLError } from "yaml";
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

export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  const syntaxProblems = syntaxProblemsOf(file, document.errors);
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
