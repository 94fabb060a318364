import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { readBoundedFile } from "../../files/boundedFile";
import type { IsoDate } from "../../infra/model/dates";
import { environmentLayerFileName } from "../../infra/model/environment";
import { ownerFilePath } from "../../infra/model/fleet";
import type { FleetResult, FleetSources } from "../../infra/model/fleetShape";
import { parseStackName } from "../../infra/model/stackName";
import { ENVIRONMENTS } from "../../infra/model/schema";
import { FileWriteError, writeFileAtomic } from "../../files/atomicWrite";
import { debugging } from "../../runtime/debugging";
import type { StackPlan } from "../semantics/stackPlan";

/** Bumped when what a cached plan holds changes shape. */
const FORMAT = 4;

/** What the program and the policies are made of: their sources (tests excluded) and the locked dependencies. */
export const CODE_DIRECTORIES = ["cli", "files", "infra", "plan", "policies", "repository", "runtime"];
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

/**
 * What a cached plan must look like to be used: the shape of StackPlan, checked field by field, never assumed (a
 * `{}` or a truncated file would otherwise reach the diff as a plan).
 */
const recordSchema = z.record(z.string(), z.unknown());
const stackPlanSchema = z
  .object({
    stack: z.string(),
    owner: z.string(),
    environment: z.string(),
    resources: z.array(
      z
        .object({
          type: z.string(),
          name: z.string(),
          inputs: recordSchema,
          protect: z.boolean(),
          ignoreChanges: z.array(z.string()).optional(),
          import: z.string().optional(),
          replaceOnChanges: z.array(z.string()).optional(),
          deleteBeforeReplace: z.literal(true).optional(),
        })
        .strict(),
    ),
    members: z.array(
      z
        .object({
          group: z.string(),
          upn: z.string(),
          name: z.string(),
          expires: z.string().nullable(),
          access: z.enum(["member", "assignment", "eligibility"]),
          endsAt: z.string().nullable(),
        })
        .strict(),
    ),
    ended: z.array(z.object({ name: z.string(), upn: z.string(), endedAt: z.string() }).strict()).optional(),
    violations: z.array(
      z
        .object({
          policy: z.string(),
          level: z.enum(["advisory", "mandatory"]),
          message: z.string(),
          urn: z.string(),
        })
        .strict(),
    ),
    contractViolations: z
      .array(
        z
          .object({
            stack: z.string(),
            type: z.string(),
            name: z.string(),
            property: z.string(),
            at: z.string(),
            rule: z.string(),
            source: z.string(),
            message: z.string(),
          })
          .strict(),
      )
      .optional(),
    outputs: recordSchema.optional(),
    simulated: z.array(z.string()).optional(),
    error: z.string().optional(),
  })
  // Strict: a field the schema does not know is a miss (the stack is planned again), never silently dropped.
  .strict() satisfies z.ZodType<StackPlan>;

/** An entry names the key and the stack it was stored under: a file copied under another key is not that plan. */
const entrySchema = z.object({ format: z.literal(FORMAT), key: z.string(), stack: z.string(), plan: stackPlanSchema });

/** Far above any real plan (a stack's plan is tens of KiB): an entry beyond it is not read at all. */
export const MAX_ENTRY_BYTES = 16 * 1024 * 1024;

/**
 * Plans by key, one JSON file each, under a directory (node_modules/.cache/…, restorable by actions/cache). The
 * directory is writable by whoever restores it, so an entry is evidence, not truth: it is used only when it is a
 * regular file (never a link, FIFO or device, never followed), at most MAX_ENTRY_BYTES, valid JSON of the entry schema
 * and names the key and stack asked for. Anything else is ignored, and the stack planned again.
 */
export class PlanCache {
  constructor(readonly directory: string) {}

  private file(key: string): string {
    return path.join(this.directory, `${key}.json`);
  }

  get(key: string, stack: string): StackPlan | undefined {
    const read = readBoundedFile(this.file(key), MAX_ENTRY_BYTES);
    if ("problem" in read || read.text === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(read.text);
    } catch {
      return undefined;
    }
    const entry = entrySchema.safeParse(json);
    if (!entry.success || entry.data.key !== key || entry.data.stack !== stack || entry.data.plan.stack !== stack)
      return undefined;
    return entry.data.plan;
  }

  /**
   * Written aside and renamed: a reader never sees half a file, even from a concurrent run. A plan that cannot be
   * stored (a full disk, a folder squatting on its name) is only not cached: the plan itself is unaffected.
   */
  set(key: string, plan: StackPlan): void {
    try {
      mkdirSync(this.directory, { recursive: true });
      writeFileAtomic(this.file(key), JSON.stringify({ format: FORMAT, key, stack: plan.stack, plan }));
    } catch (error) {
      if (!(error instanceof FileWriteError) && !isSystemError(error)) throw error;
    }
  }
}

const isSystemError = (error: unknown) => typeof (error as NodeJS.ErrnoException | undefined)?.code === "string";
