import { fork } from "node:child_process";
import { availableParallelism } from "node:os";
import * as path from "node:path";
import type { IsoDate } from "../../infra/model";
import type { StackPlan } from "./stackPlan";
import { planStacks, type WorkerMessage, type WorkerRequest } from "./worker";

const WORKER = path.join(__dirname, `worker${path.extname(__filename)}`);
/** Workers run this file as TypeScript when the pool does (tests, npm scripts); compiled JavaScript needs no loader. */
const WORKER_EXEC_ARGV = path.extname(__filename) === ".ts" ? ["--require", require.resolve("tsx/cjs")] : [];

/** Split stacks round-robin so each worker gets a similar mix of tt02 and prod. */
function shares(stacks: readonly string[], workers: number): string[][] {
  const result: string[][] = Array.from({ length: workers }, () => []);
  stacks.forEach((stack, index) => result[index % workers]?.push(stack));
  return result.filter((share) => share.length > 0);
}

function runWorker(request: WorkerRequest, onPlanned: (plan: StackPlan) => void): Promise<void> {
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
      if (message.kind === "planned") onPlanned(message.plan);
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
  readonly root: string;
  readonly today: IsoDate;
  readonly firstPreview?: boolean;
  readonly workers?: number;
  readonly onProgress?: (planned: number, total: number) => void;
}

/**
 * Plan stacks across a pool sized to the machine; results come back in the order asked. This process is one of the
 * pool (it has loaded the program already): one stack, or one core, needs no child process at all.
 */
export async function planInWorkers(stacks: readonly string[], options: PoolOptions): Promise<StackPlan[]> {
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), stacks.length));
  const plans = new Map<string, StackPlan>();
  const onPlanned = (plan: StackPlan) => {
    plans.set(plan.stack, plan);
    options.onProgress?.(plans.size, stacks.length);
  };
  const request = (share: string[]): WorkerRequest => ({
    root: options.root,
    today: options.today,
    stacks: share,
    firstPreview: options.firstPreview ?? false,
  });
  const [own = [], ...others] = shares(stacks, workers);
  // Children first, so they load while this process plans its own share.
  const children = others.map((share) => runWorker(request(share), onPlanned));
  await planStacks(request(own), onPlanned);
  await Promise.all(children);
  return stacks.map((stack) => {
    const plan = plans.get(stack);
    if (!plan) throw new Error(`no plan came back for ${stack}`);
    return plan;
  });
}
