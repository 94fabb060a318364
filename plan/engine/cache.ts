import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import {
  environmentLayerFileName,
  ENVIRONMENTS,
  ownerFilePath,
  parseStackName,
  type FleetResult,
  type FleetSources,
  type IsoDate,
} from "../../infra/model";
import { debugging } from "../../runtime/debugging";
import type { StackPlan } from "../semantics/stackPlan";

/** Bumped when what a cached plan holds changes shape. */
const FORMAT = 2;

/** What the program and the policies are made of: their sources (tests excluded) and the locked dependencies. */
export const CODE_DIRECTORIES = ["cli", "infra", "plan", "policies", "repository", "runtime"];
const LOCKFILE = "package-lock.json";
const isCode = (file: string) => /\.(ts|js|cjs|mjs|json|yaml)$/.test(file) && !/\.test\.ts$/.test(file);

function sourceFiles(root: string, directory: string): string[] {
  const absolute = path.join(root, directory);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { withFileTypes: true }).flatMap((entry) => {
    const relative = `${directory}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(root, relative);
    return isCode(entry.name) ? [relative] : [];
  });
}

const sha256 = (text: string | Buffer) => createHash("sha256").update(text).digest("hex");

/**
 * A digest of the code that evaluates a stack in a checkout at `root`: the same content gives the same digest in
 * any checkout (the working tree, a worktree of the base), so a plan computed for main serves a PR's base side.
 */
export function codeDigest(root: string): string {
  const files = [...CODE_DIRECTORIES.flatMap((directory) => sourceFiles(root, directory)), LOCKFILE]
    .filter((file) => existsSync(path.join(root, file)))
    .sort();
  return sha256(files.map((file) => `${file} ${sha256(readFileSync(path.join(root, file)))}`).join("\n"));
}

export function lockfileDigest(root: string): string | undefined {
  const file = path.join(root, LOCKFILE);
  return existsSync(file) ? sha256(readFileSync(file)) : undefined;
}

export interface StackKeyInput {
  readonly stack: string;
  readonly code: string;
  readonly sources: FleetSources;
  /** The validated fleet: problems in other files (a UPN registered twice) change this stack's plan too. */
  readonly fleet: FleetResult;
  readonly today: IsoDate;
  readonly firstPreview: boolean;
}

/** Everything one stack's plan depends on: its owner file, the layers, what validation says of them, the code. */
export function stackKey({ stack, code, sources, fleet, today, firstPreview }: StackKeyInput): string {
  let ownerFile = "";
  try {
    ownerFile = ownerFilePath(parseStackName(stack).org);
  } catch {
    // A malformed stack name plans to an error that depends on nothing else.
  }
  const layerFiles = ENVIRONMENTS.map(environmentLayerFileName);
  const relevant = new Set([ownerFile, ...layerFiles]);
  return sha256(
    JSON.stringify({
      format: FORMAT,
      node: process.version,
      stack,
      code,
      today,
      firstPreview,
      // A program error's message holds the stack trace only when debugging (see evaluateStack).
      debugging: debugging(),
      owner: sources.owners.find((source) => source.file === ownerFile)?.text ?? null,
      layers: ENVIRONMENTS.map((environment) => sources.layers[environment].text ?? null),
      problems: fleet.problems.filter((problem) => relevant.has(problem.file)),
    }),
  );
}

/** Plans by key, one JSON file each, under a directory (node_modules/.cache/…, restorable by actions/cache). */
export class PlanCache {
  constructor(readonly directory: string) {}

  private file(key: string): string {
    return path.join(this.directory, `${key}.json`);
  }

  get(key: string): StackPlan | undefined {
    try {
      return JSON.parse(readFileSync(this.file(key), "utf8")) as StackPlan;
    } catch {
      return undefined;
    }
  }

  set(key: string, plan: StackPlan): void {
    mkdirSync(this.directory, { recursive: true });
    // Written aside and renamed: a reader never sees half a file, even from a concurrent run.
    const partial = `${this.file(key)}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(plan));
    renameSync(partial, this.file(key));
  }
}
