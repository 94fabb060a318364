import * as pulumi from "@pulumi/pulumi";
import { AzureMocks } from "../../plan/semantics/azureMocks";

/** One resource a component registered, as a provider would receive it. */
export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly computed: Record<string, unknown>;
}

/**
 * Run one component alone under the project's Azure mocks and return what it registered: a component test needs no
 * owner file, layer or stack, only the component's own typed settings.
 */
export async function registeredBy(build: () => void, stack = "unit-tt02"): Promise<Registered[]> {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(
    new AzureMocks(new Map(), (args, computed) =>
      registered.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown>, computed }),
    ),
    "altinn-apps",
    stack,
    true,
  );
  await pulumi.runtime.runInPulumiStack(async () => {
    build();
    return undefined;
  });
  await pulumi.runtime.disconnect();
  return registered.filter((resource) => !resource.type.startsWith("pulumi:"));
}

/** The one resource of a type and name, or a failure naming what is there. */
export function the(resources: readonly Registered[], type: string, name?: string): Registered {
  const found = resources.filter(
    (resource) => resource.type === type && (name === undefined || resource.name === name),
  );
  if (found.length !== 1)
    throw new Error(`${found.length} ${type} ${name ?? ""}: ${resources.map((resource) => resource.name).join(", ")}`);
  return found[0] as Registered;
}
