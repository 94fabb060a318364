import { ENVIRONMENTS, type EnvironmentName } from "../infra/model/schema";

/**
 * A deploy run's waves: per environment (tt02 first, then prod), one canary stack, then the rest in batches. A
 * batch is one job matrix, and GitHub refuses a matrix of more than 256 jobs ("Running variations of jobs in a
 * workflow": a job matrix can generate a maximum of 256 jobs per workflow run), so a batch holds at most
 * `batchSize` stacks and the workflow has `batchSlots` batch jobs per environment.
 */
export interface WavePlan {
  readonly canary: readonly string[];
  readonly batches: readonly (readonly string[])[];
}

export type Waves = Record<EnvironmentName, WavePlan>;

export const GITHUB_MATRIX_LIMIT = 256;

export interface WaveOptions {
  /** The owners whose stack goes first in each environment (the first of them that is selected). */
  readonly canaryOwners: readonly string[];
  readonly batchSize: number;
  /** How many batch jobs the workflow has per environment. */
  readonly batchSlots: number;
}

const environmentOf = (stack: string) => stack.slice(stack.lastIndexOf("-") + 1);
const ownerOf = (stack: string) => stack.slice(0, stack.lastIndexOf("-"));

/** Split the stacks to deploy into waves; throws when they do not fit the workflow's batch jobs. */
export function planWaves(stacks: readonly string[], { canaryOwners, batchSize, batchSlots }: WaveOptions): Waves {
  if (batchSize < 1 || batchSize > GITHUB_MATRIX_LIMIT) {
    throw new Error(`a batch holds 1 to ${GITHUB_MATRIX_LIMIT} stacks (GitHub's matrix limit), not ${batchSize}`);
  }
  const waves = {} as Waves;
  for (const environment of ENVIRONMENTS) {
    const selected = stacks.filter((stack) => environmentOf(stack) === environment);
    const canaryOwner = canaryOwners.find((owner) => selected.some((stack) => ownerOf(stack) === owner));
    const canary = selected.filter((stack) => ownerOf(stack) === canaryOwner).slice(0, 1);
    // Without a selected canary owner, the first stack is the canary: no environment starts with a whole batch.
    const first = canary.length > 0 ? canary : selected.slice(0, 1);
    const rest = selected.filter((stack) => !first.includes(stack));
    const batches: string[][] = [];
    for (let start = 0; start < rest.length; start += batchSize) batches.push(rest.slice(start, start + batchSize));
    if (batches.length > batchSlots) {
      throw new Error(
        `${environment}: ${rest.length} stacks after the canary need ${batches.length} batches of ${batchSize}, the workflow has ${batchSlots}: raise the batch size (at most ${GITHUB_MATRIX_LIMIT}) or add batch jobs to deploy.yml`,
      );
    }
    waves[environment] = { canary: first, batches };
  }
  return waves;
}

/** The workflow's outputs: one JSON array per job (`tt02-canary`, `tt02-batch-1`, …), empty arrays for unused slots. */
export function waveOutputs(waves: Waves, batchSlots: number): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const environment of ENVIRONMENTS) {
    outputs[`${environment}-canary`] = JSON.stringify(waves[environment].canary);
    for (let slot = 0; slot < batchSlots; slot += 1) {
      outputs[`${environment}-batch-${slot + 1}`] = JSON.stringify(waves[environment].batches[slot] ?? []);
    }
  }
  return outputs;
}

/** Split stacks into at most `shards` groups of at most `size` each (drift's matrices), in order. */
export function shard(stacks: readonly string[], size: number, shards: number): string[][] {
  if (size < 1 || size > GITHUB_MATRIX_LIMIT) throw new Error(`a shard holds 1 to ${GITHUB_MATRIX_LIMIT} stacks`);
  const groups: string[][] = [];
  for (let start = 0; start < stacks.length; start += size) groups.push(stacks.slice(start, start + size));
  if (groups.length > shards) {
    throw new Error(`${stacks.length} stacks need ${groups.length} shards of ${size}, the workflow has ${shards}`);
  }
  return Array.from({ length: shards }, (_, index) => groups[index] ?? []);
}

/** A job of the run, as the GitHub API lists it (name and the conclusion of its steps). */
export interface RunJob {
  readonly name: string;
  readonly conclusion: string | null;
  readonly steps?: readonly { readonly name: string; readonly conclusion: string | null }[];
}

/** The step of pulumi-up.yml whose success means the stack is deployed at the run's commit. */
export const UP_STEP = "pulumi up";

/**
 * After a run: the selected stacks that are still behind main, with why (failed, cancelled, not deployed, never
 * started). A matrix job's name ends in its stack: `up (digdir-tt02)`.
 */
export function stacksBehind(selected: readonly string[], jobs: readonly RunJob[]): { stack: string; why: string }[] {
  const jobOf = new Map<string, RunJob>();
  for (const job of jobs) {
    const stack = /\(([a-z0-9]+-[a-z0-9]+)\)\s*$/.exec(job.name)?.[1];
    if (stack) jobOf.set(stack, job);
  }
  return selected.flatMap((stack) => {
    const job = jobOf.get(stack);
    if (!job) return [{ stack, why: "not started (an earlier wave failed, or the run was cancelled)" }];
    const up = job.steps?.find((step) => step.name === UP_STEP);
    if (up?.conclusion === "success") return [];
    if (job.conclusion === "failure") return [{ stack, why: "failed" }];
    if (job.conclusion === "cancelled") return [{ stack, why: "cancelled" }];
    return [{ stack, why: "not deployed: the failure limit was reached, or main moved on (see the job's notice)" }];
  });
}
