import * as pulumi from "@pulumi/pulumi";
import { AzureMocks, type Directory } from "../../plan/semantics/azureMocks";

/** One resource a component registered: its type and name, resolved inputs, options and parent. */
export interface ComponentResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly opts: pulumi.CustomResourceOptions;
  /** The type and name of its parent, `type::name` (undefined for the component itself, a child of the stack). */
  readonly parent: string | undefined;
}

export interface ComponentRun {
  /** In the order the component constructed them. */
  readonly resources: readonly ComponentResource[];
  /** The first error the component's outputs failed with, if any. */
  readonly error?: string;
}

/** The type token the engine registers a resource class under (the SDK's `__pulumiType`). */
export const typeOf = (resourceClass: object): string => String(Reflect.get(resourceClass, "__pulumiType"));

const label = (resource: pulumi.Resource | undefined, names: Map<pulumi.Resource, string>) =>
  resource ? names.get(resource) : undefined;

/**
 * Construct one component alone, under the same mocks as the whole-program evaluation (plan/semantics/azureMocks.ts),
 * and return what it registered: a component test needs no owner file, layer or stack, only the component's own typed
 * settings (and the users' object ids, `directory`, when it resolves users). `build` runs inside a stack; Pulumi's
 * runtime is process-global: one run at a time.
 */
export async function runComponent(build: () => void, directory: Directory = new Map()): Promise<ComponentRun> {
  const inputs = new Map<string, Record<string, unknown>>();
  const observed: { resource: pulumi.Resource; type: string; name: string; opts: pulumi.ResourceOptions }[] = [];
  const failures: string[] = [];
  await pulumi.runtime.setMocks(
    new AzureMocks(directory, (args) =>
      inputs.set(`${args.type}::${args.name}`, args.inputs as Record<string, unknown>),
    ),
    "altinn-apps",
    "component-test",
    true,
  );
  await pulumi.runtime
    .runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation(({ resource, type, name, opts }) => {
        observed.push({ resource, type, name, opts });
        return undefined;
      });
      build();
      return {};
    })
    .catch((error: unknown) => failures.push(error instanceof Error ? error.message : String(error)));
  await pulumi.runtime.disconnect().catch((error: unknown) => failures.push(String(error)));
  const names = new Map(observed.map((entry) => [entry.resource, `${entry.type}::${entry.name}`]));
  return {
    resources: observed.map(({ type, name, opts }) => ({
      type,
      name,
      inputs: inputs.get(`${type}::${name}`) ?? {},
      opts: opts as pulumi.CustomResourceOptions,
      parent: label(opts.parent, names),
    })),
    ...(failures.length > 0 ? { error: failures.join("\n") } : {}),
  };
}

/** The one resource of a type and name, or a failure naming what is there. */
export function the(resources: readonly ComponentResource[], type: string, name?: string): ComponentResource {
  const found = resources.filter(
    (resource) => resource.type === type && (name === undefined || resource.name === name),
  );
  if (found.length !== 1)
    throw new Error(`${found.length} ${type} ${name ?? ""}: ${resources.map((resource) => resource.name).join(", ")}`);
  return found[0] as ComponentResource;
}
