import { fork } from "node:child_process";
import { availableParallelism } from "node:os";
import * as path from "node:path";
import type { IsoDate } from "../../infra/model/dates";
import type { FleetResult } from "../../infra/model/fleetShape";
import type { StackPlan } from "../semantics/stackPlan";
import { planJobs, type PlanJob, type WorkerMessage, type WorkerRequest } from "./worker";

const WORKER = path.join(__dirname, `worker${path.extname(__filename)}`);
/** Workers run this file as TypeScript when the pool does (tests, npm scripts); compiled JavaScript needs no loader. */
const WORKER_EXEC_ARGV = path.extname(__filename) === ".ts" ? ["--require", require.resolve("tsx/cjs")] : [];

/** Split jobs round-robin so each worker gets a similar mix of tt02 and prod. */
function shares(jobs: readonly PlanJob[], workers: number): PlanJob[][] {
  const result: PlanJob[][] = Array.from({ length: workers }, () => []);
  jobs.forEach((job, index) => result[index % workers]?.push(job));
  return result.filter((share) => share.length > 0);
}

function runWorker(request: WorkerRequest, onPlanned: (job: PlanJob, plan: StackPlan) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    // Each worker is a fresh process: the Pulumi runtime's global state never leaks between workers.
    const child = fork(WORKER, [], {
      execArgv: WORKER_EXEC_ARGV,
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    let done = false;
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("message", (message: WorkerMessage) => {
      if (message.kind === "planned") onPlanned(message.job, message.plan);
      else done = true;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (done) resolve();
      else reject(new Error(`planning worker exited with code ${code} before finishing:\n${stderr.trim()}`));
    });
    child.send(request);
  });
}

export interface PoolOptions {
  readonly today: IsoDate;
  /** The versions of the fleet the jobs name, validated. */
  readonly fleets: Readonly<Record<string, FleetResult>>;
  readonly firstPreview?: boolean;
  readonly workers?: number;
  readonly onProgress?: (planned: number, total: number) => void;
}

/**
 * A child process first loads the Pulumi SDK and the program (about 0.65 s of CPU; it gets the fleet validated) before
 * it plans anything, and a plan takes about 0.1 s: a child pays off only with several plans to make.
 */
const JOBS_PER_CHILD = 6;

export const jobKey = (job: PlanJob): string => `${job.fleet}\u0000${job.stack}`;

/**
 * Plan jobs across a pool sized to the machine; results come back in the order asked. This process is one of the
 * pool (it has loaded the program already): one job, or one core, needs no child process at all.
 */
export async function planInWorkers(jobs: readonly PlanJob[], options: PoolOptions): Promise<StackPlan[]> {
  if (jobs.length === 0) return [];
  const workers = Math.max(
    1,
    options.workers === undefined
      ? Math.min(availableParallelism(), Math.floor(jobs.length / JOBS_PER_CHILD))
      : Math.min(options.workers, jobs.length),
  );
  const plans = new Map<string, StackPlan>();
  const onPlanned = (job: PlanJob, plan: StackPlan) => {
    plans.set(jobKey(job), plan);
    options.onProgress?.(plans.size, jobs.length);
  };
  const request = (share: PlanJob[]): WorkerRequest => ({
    today: options.today,
    firstPreview: options.firstPreview ?? false,
    fleets: options.fleets,
    jobs: share,
  });
  const [own = [], ...others] = shares(jobs, workers);
  // Children first, so they load while this process plans its own share.
  const children = others.map((share) => runWorker(request(share), onPlanned));
  await planJobs(request(own), onPlanned);
  await Promise.all(children);
  return jobs.map((job) => {
    const plan = plans.get(jobKey(job));
    if (!plan) throw new Error(`no plan came back for ${job.stack} (${job.fleet})`);
    return plan;
  });
}
