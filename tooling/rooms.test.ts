import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../repository/root";
import { PURE_FORBIDDEN, ROOMS, roomOf } from "./rooms";

const TOP_LEVEL = [...new Set(ROOMS.map((room) => room.folder.split("/")[0] ?? ""))];

function sourceFiles(directory: string): string[] {
  return readdirSync(path.join(REPO_ROOT, directory), { withFileTypes: true }).flatMap((entry) => {
    const relative = `${directory}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(relative);
    return /\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [relative] : [];
  });
}

const isTestCode = (file: string) => file.endsWith(".test.ts") || file.startsWith("policies/testing/");

/** Every module specifier a source names (what preProcessFile sees: import, export, require, dynamic import). */
function importSpecifiers(file: string): string[] {
  const { importedFiles: imports } = ts.preProcessFile(readFileSync(path.join(REPO_ROOT, file), "utf8"), true, true);
  return imports.map((imported) => imported.fileName);
}

/** The repository-relative files a source imports by relative path. */
function importedFiles(file: string): string[] {
  return importSpecifiers(file)
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier)));
}

/** Why each of a file's imports breaks its room's purity (empty when the room is not pure or none does). */
function impureImports(file: string, specifiers: readonly string[]): string[] {
  if (!roomOf(file)?.pure) return [];
  return specifiers
    .filter((specifier) => PURE_FORBIDDEN.includes(specifier))
    .map((specifier) => `${file} imports ${specifier}: ${roomOf(file)?.folder} is pure`);
}

/** Why each of a file's imports breaks the arrows (empty when none does). */
function forbiddenImports(file: string, targets: readonly string[]): string[] {
  const from = roomOf(file);
  if (!from) return [`${file}: in no room`];
  return targets.flatMap((target) => {
    const to = roomOf(target);
    if (!to || to === from || from.mayImport.includes(to.folder)) return [];
    return [`${file} imports ${target}: ${from.folder} may not import ${to.folder}`];
  });
}

describe("the rooms and the arrows between them (tooling/rooms.ts)", () => {
  it("every import of product code goes to its own room or one its room may import", () => {
    const forbidden = TOP_LEVEL.flatMap(sourceFiles)
      .filter((file) => !isTestCode(file))
      .flatMap((file) => forbiddenImports(file, importedFiles(file)));
    expect(forbidden).toEqual([]);
  });

  it("a pure room's code touches no file system and starts no process (the model reads no files)", () => {
    const impure = TOP_LEVEL.flatMap(sourceFiles)
      .filter((file) => !isTestCode(file))
      .flatMap((file) => impureImports(file, importSpecifiers(file)));
    expect(impure).toEqual([]);
  });

  it("the model has no barrel and no import cycle: whoever imports it names the module that defines the symbol", () => {
    const model = sourceFiles("infra/model").filter((file) => !isTestCode(file));
    const barrels = model.filter((file) => /^export \* from /m.test(readFileSync(path.join(REPO_ROOT, file), "utf8")));
    expect(barrels).toEqual([]);
    const importsOf = new Map(
      model.map((file) => [
        file,
        importedFiles(file)
          .map((target) => `${target}.ts`)
          .filter((target) => model.includes(target)),
      ]),
    );
    // Depth first, each file once: a file met again while still on the trail closes a cycle.
    const cycles: string[] = [];
    const done = new Set<string>();
    const visit = (file: string, trail: readonly string[]): void => {
      if (trail.includes(file)) {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(" → "));
        return;
      }
      if (done.has(file)) return;
      for (const target of importsOf.get(file) ?? []) visit(target, [...trail, file]);
      done.add(file);
    };
    for (const file of model) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it("names only rooms that exist, and its arrows have no cycle", () => {
    const folders = new Set(ROOMS.map((room) => room.folder));
    expect(ROOMS.flatMap((room) => room.mayImport.filter((target) => !folders.has(target)))).toEqual([]);
    const byFolder = new Map(ROOMS.map((room) => [room.folder, room]));
    const cycles: string[] = [];
    const visit = (folder: string, trail: readonly string[]): void => {
      if (trail.includes(folder)) {
        cycles.push([...trail.slice(trail.indexOf(folder)), folder].join(" → "));
        return;
      }
      for (const target of byFolder.get(folder)?.mayImport ?? []) visit(target, [...trail, folder]);
    };
    for (const room of ROOMS) visit(room.folder, []);
    expect(cycles).toEqual([]);
  });

  it("names a forbidden arrow: the model importing the program, a policy the plan", () => {
    expect(forbiddenImports("infra/model/owner.ts", ["infra/model/dates.ts", "infra/naming.ts"])).toEqual([
      "infra/model/owner.ts imports infra/naming.ts: infra/model may not import infra",
    ]);
    expect(forbiddenImports("policies/registry.ts", ["plan/semantics/evaluate.ts"])).toHaveLength(1);
    expect(forbiddenImports("stray/file.ts", [])).toEqual(["stray/file.ts: in no room"]);
  });

  it("names an impure import: the model reading files, and only in a pure room", () => {
    expect(impureImports("infra/model/owner.ts", ["zod", "node:fs", "./dates", "child_process"])).toEqual([
      "infra/model/owner.ts imports node:fs: infra/model is pure",
      "infra/model/owner.ts imports child_process: infra/model is pure",
    ]);
    expect(impureImports("files/boundedFile.ts", ["node:fs"])).toEqual([]);
  });
});
