import { readFileSync } from "node:fs";
import * as path from "node:path";

/** One property azure-native replaces a resource for, from its hand-kept table, with the line that says so. */
export interface ForceNewEntry {
  /** azure-native's module name as the table writes it (`ContainerService`). */
  readonly module: string;
  readonly resource: string;
  readonly property: string;
  readonly source: string;
}

/** Where pulumi-azure-native keeps the table (provider/pkg/gen/replacement.go in the 3.x line). */
export const REPLACEMENT_FILE = "provider/pkg/gen/replacement.go";

/**
 * Reads `forceNewMap` (and subtracts `noForceNewMap`) from replacement.go: a Go map literal of module → resource →
 * `codegen.NewStringSet("property", …)`. A small line-based reader: the file is a table, not a program.
 */
export function readForceNewTable(checkout: string, file = REPLACEMENT_FILE): ForceNewEntry[] {
  const lines = readFileSync(path.join(checkout, file), "utf8").split("\n");
  const entries: ForceNewEntry[] = [];
  const removed = new Set<string>();
  let table: "forceNew" | "noForceNew" | undefined;
  let module: string | undefined;
  let resource: string | undefined;
  lines.forEach((raw, index) => {
    const line = raw.replace(/\/\/.*$/, "");
    if (/^var forceNewMap\b/.test(line)) table = "forceNew";
    else if (/^var noForceNewMap\b/.test(line)) table = "noForceNew";
    else if (/^}/.test(line)) table = undefined;
    if (!table) return;
    const moduleMatch = /^\t"([^"]+)": \{\s*$/.exec(line);
    if (moduleMatch) {
      module = moduleMatch[1];
      return;
    }
    const resourceMatch = /^\t\t"([^"]+)":\s*codegen\.NewStringSet\((.*)$/.exec(line);
    const strings = (text: string) => [...text.matchAll(/"([^"]+)"/g)].map((match) => match[1] ?? "");
    let rest: string | undefined;
    if (resourceMatch) {
      resource = resourceMatch[1];
      rest = resourceMatch[2] ?? "";
    } else if (resource && /^\t\t\t/.test(line)) rest = line;
    if (rest === undefined || !module || !resource) return;
    for (const property of strings(rest)) {
      const entry = { module, resource, property, source: `${file}:${index + 1}` };
      if (table === "forceNew") entries.push(entry);
      else removed.add(`${module}/${resource}/${property}`);
    }
    if (rest.includes(")")) resource = undefined;
  });
  return entries.filter((entry) => !removed.has(`${entry.module}/${entry.resource}/${entry.property}`));
}
