import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { validateFleet } from "../../infra/model/fleet";
import type { SourceFile } from "../../infra/model/fleetShape";
import { fleetDirectory, type Directory } from "../../plan/semantics/azureMocks";
import type { RegisteredResource } from "../../plan/semantics/evaluate";
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

/** Run git in a test repository, as a fixed author. */
export function gitIn(root: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.no", ...args], {
    cwd: root,
    encoding: "utf8",
  });
}

/** Make `root` a git repository whose one commit (on `main`) holds everything in it. */
export function commitAll(root: string): string {
  gitIn(root, "init", "-q", "-b", "main");
  gitIn(root, "add", "-A");
  gitIn(root, "commit", "-q", "--allow-empty", "-m", "base");
  return root;
}

/** A real git repository whose first commit (branch main) holds the layers and the given owner files. */
export function committedRepository(owners: readonly SourceFile[], layers = REPO_SOURCES.layers): string {
  return commitAll(writeRepository(owners, layers));
}
