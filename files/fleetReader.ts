import { existsSync, lstatSync, readdirSync, type Dirent, type Stats } from "node:fs";
import * as path from "node:path";
import type { IsoDate } from "../infra/model/dates";
import { environmentLayerFileName } from "../infra/model/environment";
import { fileProblem, isOwnerFileName, STACKS_DIR, stacksDirectoryProblem, validateFleet } from "../infra/model/fleet";
import type { FleetResult, FleetSources, SourceFile } from "../infra/model/fleetShape";
import { classifyStacksEntry, type EntryKind } from "../infra/model/inputFiles";
import type { Problem } from "../infra/model/problem";
import { readBoundedFile } from "./boundedFile";

/** The fleet on disk: where the repository is, and its layers and owner files read as the model's FleetSources. */

/** The nearest directory at or above `start` holding Pulumi.yaml: the repository, from source or from dist/. */
export function findRepositoryRoot(start: string): string {
  for (let directory = start; ; directory = path.dirname(directory)) {
    if (existsSync(path.join(directory, "Pulumi.yaml"))) return directory;
    if (path.dirname(directory) === directory) throw new Error(`no Pulumi.yaml at or above ${start}`);
  }
}

function entryKindOf(stats: Stats): EntryKind {
  if (stats.isSymbolicLink()) return "symlink";
  if (stats.isDirectory()) return "directory";
  return stats.isFile() ? "file" : "other";
}

function entryKind(entry: Dirent): EntryKind {
  if (entry.isSymbolicLink()) return "symlink";
  if (entry.isDirectory()) return "directory";
  return entry.isFile() ? "file" : "other";
}

export function readFleetSources(root: string): FleetSources {
  const read = (file: string): SourceFile => {
    const result = readBoundedFile(path.join(root, file));
    return "problem" in result ? { file, text: undefined, problem: result.problem } : { file, text: result.text };
  };
  const stacksDir = path.join(root, STACKS_DIR);
  const stacksProblem = stacksDirectoryProblem(existsSync(stacksDir) ? entryKindOf(lstatSync(stacksDir)) : undefined);
  const entries =
    existsSync(stacksDir) && !stacksProblem
      ? readdirSync(stacksDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
      : [];
  const owners: SourceFile[] = [];
  const strays: Problem[] = stacksProblem ? [fileProblem(STACKS_DIR, stacksProblem)] : [];
  for (const entry of entries) {
    const file = `${STACKS_DIR}/${entry.name}`;
    const kind = entryKind(entry);
    const classified = classifyStacksEntry(
      entry.name,
      kind,
      kind === "file" ? lstatSync(path.join(root, file)).size : 0,
    );
    if (classified.kind === "rejected" && isOwnerFileName(entry.name))
      owners.push({ file, text: undefined, problem: classified.message });
    else if (classified.kind === "rejected") strays.push(fileProblem(file, classified.message));
    else if (classified.kind === "owner") owners.push(read(file));
  }
  return {
    layers: { tt02: read(environmentLayerFileName("tt02")), prod: read(environmentLayerFileName("prod")) },
    owners,
    strays,
  };
}

export function loadFleet(root: string, today: IsoDate): FleetResult {
  return validateFleet(readFleetSources(root), today);
}
