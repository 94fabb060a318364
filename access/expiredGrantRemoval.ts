import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { isAlias, isNode, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import { fileProblem, hasExpired, loadFleet, readBoundedFile, type IsoDate, type Problem } from "../infra/model";

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

/** Anchors (&name) defined anywhere inside `nodes`. */
function anchorsIn(nodes: readonly Node[]): Set<string> {
  const anchors = new Set<string>();
  for (const node of nodes) {
    visit(node, (_key, child) => {
      if (isNode(child) && !isAlias(child) && child.anchor) anchors.add(child.anchor);
    });
  }
  return anchors;
}

/**
 * Replace every alias (*name) outside the removed grants that points at an anchor inside one of them by a copy of
 * what it points at, so a kept grant never refers to a deleted anchor.
 */
function resolveAliasesInto(document: Document, removed: readonly Node[]): void {
  const doomed = anchorsIn(removed);
  if (doomed.size === 0) return;
  visit(document, (_key, node) => {
    if (removed.includes(node as Node)) return visit.SKIP;
    if (!isAlias(node) || !doomed.has(node.source)) return undefined;
    const target = node.resolve(document);
    if (!target) return undefined;
    const copy = target.clone() as Node;
    visit(copy, (_innerKey, inner) => {
      if (isNode(inner) && !isAlias(inner)) delete inner.anchor;
    });
    return copy;
  });
}

/** The document as text, or undefined when it cannot be written (e.g. an alias left without its anchor). */
function serialize(document: Document): string | undefined {
  try {
    return document.toString();
  } catch {
    return undefined;
  }
}
/** The data `text` reads back as, or undefined when it does not parse. */
function readBack(text: string): unknown {
  const check = parseDocument(text);
  if (check.errors.length > 0) return undefined;
  try {
    return check.toJS({ maxAliasCount: 100 }) as unknown;
  } catch {
    return undefined;
  }
}

function editOwnerFile(root: string, file: string, indexes: readonly number[]): string | Problem {
  const read = readBoundedFile(path.join(root, file));
  if ("problem" in read || read.text === undefined)
    return fileProblem(file, "problem" in read ? read.problem : "file not found");
  const lineCounter = new LineCounter();
  const document = parseDocument(read.text, { lineCounter });
  const at = (node: Node | undefined, message: string): Problem => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { file, line, column: col, path: "access", message };
  };
  const access = document.get("access", true) as Node | undefined;
  if (!isSeq(access)) {
    return at(access, "access is not written as a plain list (an alias?): remove the expired grants by hand");
  }
  const expected = document.toJS({ maxAliasCount: 100 }) as { access: unknown[] };
  expected.access = expected.access.filter((_, index) => !indexes.includes(index));
  const removed = indexes.map((index) => access.items[index]).filter((item): item is Node => isNode(item));
  resolveAliasesInto(document, removed);
  for (const index of [...indexes].sort((a, b) => b - a)) access.items.splice(index, 1);
  // The edited file must read back as exactly the old data minus the removed grants, or it is not written.
  const text = serialize(document);
  if (text === undefined || JSON.stringify(readBack(text)) !== JSON.stringify(expected)) {
    return at(access, "the file could not be edited without changing other values: remove the expired grants by hand");
  }
  writeFileSync(path.join(root, file), text);
  return text;
}

/**
 * Remove every expired grant from the owner files, editing the YAML document in place so comments and layout
 * survive. A file that cannot be edited safely is left alone and reported; the other files are still swept.
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
