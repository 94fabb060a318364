import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";

/** A parsed JSON (or YAML) file that still knows on which line each object key was written. */
export class LocatedFile {
  readonly value: unknown;
  private readonly lines = new WeakMap<object, Map<string, number>>();

  constructor(
    /** Repository-relative path, as rules cite it. */
    readonly file: string,
    absolute: string,
  ) {
    const lineCounter = new LineCounter();
    // JSON is YAML: the yaml package's syntax tree keeps every node's offset.
    const document = parseDocument(readFileSync(absolute, "utf8"), { lineCounter, uniqueKeys: false });
    if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0]?.message ?? "does not parse"}`);
    const convert = (node: Node | null | undefined): unknown => {
      if (isMap(node)) {
        const object: Record<string, unknown> = {};
        const keyLines = new Map<string, number>();
        for (const pair of node.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
          object[key] = convert(pair.value as Node | null);
          const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
          if (offset !== undefined) keyLines.set(key, lineCounter.linePos(offset).line);
        }
        this.lines.set(object, keyLines);
        return object;
      }
      if (isSeq(node)) return node.items.map((item) => convert(item as Node));
      if (isScalar(node)) return node.value;
      return undefined;
    };
    this.value = convert(document.contents as Node | null);
  }

  /** `<file>:<line>` of `key` in `object` (an object of this file), or of the object's first key. */
  cite(object: object, key?: string): string {
    const keyLines = this.lines.get(object);
    const line = (key !== undefined ? keyLines?.get(key) : undefined) ?? keyLines?.values().next().value;
    return line === undefined ? this.file : `${this.file}:${line}`;
  }
}
