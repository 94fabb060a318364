// First, before anything loads the Pulumi SDK.
import "../../runtime/deferClosureSerializer";
import { fleetDirectory } from "../semantics/azureMocks";
import type { IsoDate } from "../../infra/model/dates";
import type { FleetResult } from "../../infra/model/fleetShape";
import { planContext, planStack, type PlanContext, type StackPlan } from "../semantics/stackPlan";

/** One stack of one version of the fleet (`fleet` names an entry of the request's `fleets`: "head", "base"). */
export interface PlanJob {
  readonly stack: string;
  readonly fleet: string;
}

/** The request a planning worker receives once, and the messages it answers with. */
export interface WorkerRequest {
  readonly today: IsoDate;
  readonly firstPreview: boolean;
  /** Each version of the fleet, validated once by the process that asks (plain data: it crosses the IPC channel). */
  readonly fleets: Readonly<Record<string, FleetResult>>;
  readonly jobs: readonly PlanJob[];
}
export type WorkerMessage =
  { readonly kind: "planned"; readonly job: PlanJob; readonly plan: StackPlan } | { readonly kind: "done" };

/**
 * Plan stacks one after another in this process. The tenant of the mocks holds every registered user of that fleet
 * version: the plan shows what would be provisioned, not whether accounts exist.
 */
export async function planJobs(
  request: WorkerRequest,
  onPlanned: (job: PlanJob, plan: StackPlan) => void,
): Promise<void> {
  const contexts = new Map<string, PlanContext>();
  const contextOf = (name: string): PlanContext => {
    const known = contexts.get(name);
    if (known) return known;
    const fleet = request.fleets[name];
    if (!fleet) throw new Error(`no fleet "${name}" in the planning request`);
    const context = planContext(fleet, request.today, fleetDirectory(fleet.fleet), request.firstPreview);
    contexts.set(name, context);
    return context;
  };
  for (const job of request.jobs) onPlanned(job, await planStack(job.stack, contextOf(job.fleet)));
}

if (require.main === module && process.send) {
  const send = (message: WorkerMessage) => new Promise<void>((resolve) => process.send?.(message, () => resolve()));
  process.once("message", async (request: WorkerRequest) => {
    const sent: Promise<void>[] = [];
    await planJobs(request, (job, plan) => sent.push(send({ kind: "planned", job, plan })));
    await Promise.all(sent);
    await send({ kind: "done" });
    process.disconnect();
  });
}
