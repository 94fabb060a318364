import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { validateFleet, type SourceFile } from "../../infra/model";
import { fleetDirectory, type Directory } from "../../lib/azureMocks";
import type { RegisteredResource } from "../../lib/evaluate";
import { REPO_SOURCES, TODAY } from "./fleet";

/** A throw-away repository: the real environment layers plus the given owner files. */
export function writeRepository(owners: readonly SourceFile[], layers = REPO_SOURCES.layers): string {
  const root = mkdtempSync(path.join(tmpdir(), "altinn-apps-"));
  mkdirSync(path.join(root, "stacks"));
  for (const source of [...Object.values(layers), ...owners]) {
    if (source.text !== undefined) writeFileSync(path.join(root, source.file), source.text);
  }
  return root;
}

/** A tenant in which every registered user of the repository's sample fleet exists. */
export function sampleDirectory(): Directory {
  return fleetDirectory(validateFleet(REPO_SOURCES, TODAY).fleet);
}

export function resourcesOfType(resources: readonly RegisteredResource[], type: string): RegisteredResource[] {
  return resources.filter((resource) => resource.type === type);
}

export function onlyResource(resources: readonly RegisteredResource[], type: string): RegisteredResource {
  const found = resourcesOfType(resources, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as RegisteredResource;
}

/** Make `root` a git repository whose one commit (on `main`) holds everything in it. */
export function commitAll(root: string): string {
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.no", ...args], { cwd: root });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "--allow-empty", "-m", "base");
  return root;
}
