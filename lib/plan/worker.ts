import { fleetDirectory } from "../azureMocks";
import { loadFleet, type IsoDate } from "../../infra/model";
import { planContext, planStack, type StackPlan } from "./stackPlan";

/** The request a planning worker receives once, and the messages it answers with. */
export interface WorkerRequest {
  readonly root: string;
  readonly today: IsoDate;
  readonly stacks: readonly string[];
  readonly firstPreview: boolean;
}
export type WorkerMessage = { readonly kind: "planned"; readonly plan: StackPlan } | { readonly kind: "done" };

/**
 * Plan stacks one after another in this process, loading the fleet once. The tenant of the mocks holds every
 * registered user of the fleet: the plan shows what would be provisioned, not whether accounts exist.
 */
export async function planStacks(request: WorkerRequest, onPlanned: (plan: StackPlan) => void): Promise<void> {
  const fleet = loadFleet(request.root, request.today);
  const context = planContext(fleet, request.today, fleetDirectory(fleet.fleet), request.firstPreview);
  for (const stack of request.stacks) onPlanned(await planStack(stack, context));
}

if (require.main === module && process.send) {
  const send = (message: WorkerMessage) => new Promise<void>((resolve) => process.send?.(message, () => resolve()));
  process.once("message", async (request: WorkerRequest) => {
    const sent: Promise<void>[] = [];
    await planStacks(request, (plan) => sent.push(send({ kind: "planned", plan })));
    await Promise.all(sent);
    await send({ kind: "done" });
    process.disconnect();
  });
}
