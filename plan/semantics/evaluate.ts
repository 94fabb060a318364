import * as pulumi from "@pulumi/pulumi";
import type { RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";
import { startOfDay } from "../../infra/model/access";
import type { IsoDate } from "../../infra/model/dates";
import type { FleetResult } from "../../infra/model/fleetShape";
import type { OwnerEnvironment } from "../../infra/model/ownerEnvironment";
import { defineStack, resolveStack } from "../../infra/program";
import { AzureMocks, type Directory } from "./azureMocks";
import { debugging } from "../../runtime/debugging";
import { ContractChecker, type ContractViolation } from "./contracts/check";
import { providerContracts } from "./contracts/contract";

export const PROJECT = "altinn-apps";

/** One resource as the engine would know it after registration. */
export interface RegisteredResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** False for component resources (and the stack). */
  readonly custom: boolean;
  /** Resolved inputs, as a resource provider (and a policy) sees them. */
  readonly inputs: Record<string, unknown>;
  /** What the mocked Azure computed for it (ids, client and principal ids, URIs); empty on a first preview. */
  readonly computed: Record<string, unknown>;
  readonly parent: string | undefined;
  /** The provider resource's URN, for custom resources. */
  readonly provider: string | undefined;
  readonly protect: boolean;
  /** The URNs of every resource it depends on (explicitly or through its inputs), sorted. */
  readonly dependencies: readonly string[];
  /** The input paths Pulumi leaves alone on update (`ignoreChanges`). */
  readonly ignoreChanges: readonly string[];
  /** The id of an existing resource Pulumi adopts (`import`) instead of creating it. */
  readonly import?: string;
  /** The input paths whose change replaces the resource (`replaceOnChanges`; `*`: any). */
  readonly replaceOnChanges: readonly string[];
  /** Replaced by deleting the old resource before creating the new one (`deleteBeforeReplace`). */
  readonly deleteBeforeReplace: boolean;
}

export interface StackEvaluation {
  readonly stack: string;
  readonly resources: readonly RegisteredResource[];
  /** Stack outputs; secrets are replaced by "[secret]". */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** Set when the program failed: then `resources` is what was registered before the failure. */
  readonly error?: string;
  /** The validated owner environment the program ran for; absent when the stack could not be resolved. */
  readonly target?: OwnerEnvironment;
  /** Inputs the providers would refuse, by their contracts (plan/semantics/contracts). */
  readonly contractViolations: readonly ContractViolation[];
}

export interface EvaluateOptions {
  readonly stack: string;
  /** The loaded fleet (see loadFleet): load it once, evaluate many stacks. */
  readonly fleet: FleetResult;
  readonly today: IsoDate;
  /** The Entra ID users that exist in the mocked tenant. */
  readonly directory: Directory;
  /** Evaluate as the first preview of a new stack: every computed value is unknown. */
  readonly firstPreview?: boolean;
  /**
   * Edits the inputs one resource registers with (`undefined`: unchanged), as a stack transformation does: how the
   * contract tests make a real resource send what a provider refuses.
   */
  readonly editInputs?: EditInputs;
}

export type EditInputs = (
  type: string,
  name: string,
  props: Record<string, unknown>,
) => Record<string, unknown> | undefined;

/**
 * A settled output's value, or "[unknown]". Called after the runtime has disconnected, when every output is settled:
 * a known one runs its apply within the current microtasks, an unknown one never does.
 */
function settledValue<T>(output: pulumi.Output<T>): Promise<T | "[unknown]"> {
  return new Promise((resolve) => {
    output.apply((value) => resolve(value));
    setImmediate(() => resolve("[unknown]"));
  });
}

/** The resource options only a transformation can see under mocks (the mock monitor is not told about them). */
interface ObservedOptions {
  readonly resource: pulumi.Resource;
  readonly type: string;
  readonly name: string;
  readonly opts: pulumi.ResourceOptions;
}

async function stackOutputs(outputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  const entries = await Promise.all(
    Object.entries(outputs).map(async ([key, value]) => {
      const output = pulumi.output(value);
      return [key, (await pulumi.isSecret(output)) ? "[secret]" : await settledValue(output)] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * Where rejections nobody handled go. After a program fails, the runtime may still reject promises of resources
 * that waited on the failed value; they belong to the evaluation that already failed, so they are routed to it
 * instead of crashing the process that goes on to evaluate the next stack. Any other one crashes, as by default.
 */
let failureSink: ((reason: unknown) => void) | undefined;
let sinkInstalled = false;
function routeUnhandledRejections(): void {
  if (sinkInstalled) return;
  sinkInstalled = true;
  process.on("unhandledRejection", (reason) => {
    if (!failureSink) throw reason;
    failureSink(reason);
  });
}

/**
 * Run the real program for one stack against mocks, as `pulumi preview` would run it against Azure. The Pulumi
 * runtime is process-global: evaluate stacks one after another, never concurrently in one process.
 */
export async function evaluateStack({
  stack,
  fleet,
  today,
  directory,
  firstPreview = false,
  editInputs,
}: EvaluateOptions): Promise<StackEvaluation> {
  let target: OwnerEnvironment;
  try {
    target = resolveStack(stack, fleet, today);
  } catch (error) {
    return { stack, resources: [], outputs: {}, error: messageOf(error), contractViolations: [] };
  }

  const registrations: Registration[] = [];
  const checker = new ContractChecker(stack, providerContracts());
  const observed: ObservedOptions[] = [];
  const mockRegistrations: MockRegistration[] = [];
  const failures: unknown[] = [];
  // Like the engine, stop at the first failure: resources that depend on a failed value would otherwise wait forever.
  let failed: () => void = () => undefined;
  const firstFailure = new Promise<void>((resolve) => (failed = resolve));
  const onFailure = (reason: unknown) => {
    failures.push(reason);
    failed();
  };
  routeUnhandledRejections();
  failureSink = onFailure;

  // The SDK formats a stack trace for every promise it makes (for its report of leaked promises): without a limit
  // that is half of an evaluation's CPU, and an evaluation reports messages only.
  const stackTraceLimit = Error.stackTraceLimit;
  if (!debugging()) Error.stackTraceLimit = 0;
  let programOutputs: Record<string, unknown> = {};
  let outputs: Record<string, unknown> = {};
  const run = async () => {
    await pulumi.runtime.setMocks(
      new AzureMocks(directory, (args, computed) => registrations.push({ ...args, computed }), firstPreview, checker),
      PROJECT,
      stack,
      true,
    );
    recordDependencies(mockRegistrations);
    await pulumi.runtime.runInPulumiStack(async () => {
      // Mocks switch off the engine-side transforms; the in-process one still sees every resource's options.
      pulumi.runtime.registerStackTransformation(({ resource, type, name, props, opts }) => {
        observed.push({ resource, type, name, opts });
        const edited = editInputs?.(type, name, props);
        // azure-native gives every resource an alias per former API version (over a hundred for an AgentPool), and
        // the SDK turns each into an output: they only match earlier state, which a mocked run has none of.
        if (!opts.aliases && !edited) return undefined;
        return { props: edited ?? props, opts: opts.aliases ? { ...opts, aliases: undefined } : opts };
      });
      // The stack's own copy of the outputs loses secretness; keep the program's to mask secrets.
      programOutputs = defineStack(stack, target, startOfDay(today));
      return programOutputs;
    });
    await pulumi.runtime.disconnect();
    outputs = await stackOutputs(programOutputs);
  };
  try {
    await Promise.race([run().catch(onFailure), firstFailure]);
    // A registration whose inputs fail to serialize releases the runtime's keep-alive before its rejection is
    // reported (as unhandled, at the end of the current tick): wait for that tick so it still belongs to this stack.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }

  const resources = joinRegistrations(stack, registrations, observed, mockRegistrations);
  const contractViolations = checker.violations;
  if (failures.length === 0) {
    failureSink = undefined;
    return { stack, resources, outputs, target, contractViolations };
  }
  return {
    stack,
    resources,
    outputs: {},
    target,
    error: [...new Set(failures.map(messageOf))].join("\n"),
    contractViolations,
  };
}

/** What the mock monitor is told beyond MockResourceArgs: each registration's dependencies, by the mock's URN. */
interface MockRegistration {
  readonly mockUrn: string;
  readonly type: string;
  readonly name: string;
  readonly dependencies: readonly string[];
}

type RegisterCallback = (error: unknown, response?: RegisterResourceResponse) => void;

function recordDependencies(registered: MockRegistration[]): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(request: RegisterResourceRequest, callback: RegisterCallback): void;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) =>
    register(request, (error, response) => {
      if (response) {
        registered.push({
          mockUrn: response.getUrn(),
          type: request.getType(),
          name: request.getName(),
          dependencies: request.getDependenciesList(),
        });
      }
      callback(error, response);
    });
}

/** URNs as the engine builds them: the parent chain's types (without the root stack) joined by `$`. */
function urnFactory(stack: string, observed: readonly ObservedOptions[]) {
  const byResource = new Map(observed.map((entry) => [entry.resource, entry]));
  const qualifiedType = (entry: ObservedOptions): string => {
    const parent = entry.opts.parent && byResource.get(entry.opts.parent);
    return parent ? `${qualifiedType(parent)}$${entry.type}` : entry.type;
  };
  return {
    urnOf: (entry: ObservedOptions) => `urn:pulumi:${stack}::${PROJECT}::${qualifiedType(entry)}::${entry.name}`,
    entryOf: (resource: pulumi.Resource | undefined) => (resource ? byResource.get(resource) : undefined),
  };
}

type Registration = pulumi.runtime.MockResourceArgs & { readonly computed: Record<string, unknown> };

function joinRegistrations(
  stack: string,
  registrations: readonly Registration[],
  observed: readonly ObservedOptions[],
  mockRegistrations: readonly MockRegistration[],
): RegisteredResource[] {
  const { urnOf, entryOf } = urnFactory(stack, observed);
  const byKey = new Map(observed.map((entry) => [`${entry.type}::${entry.name}`, entry]));
  const stackUrn = `urn:pulumi:${stack}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${stack}`;
  // The mock monitor's URNs name only the parent's last type; translate them to the engine's.
  const engineUrnOf = new Map(
    mockRegistrations.map(({ mockUrn, type, name }) => {
      const entry = byKey.get(`${type}::${name}`);
      return [mockUrn, entry ? urnOf(entry) : stackUrn];
    }),
  );
  const dependenciesOf = new Map(
    mockRegistrations.map(({ type, name, dependencies }) => [
      `${type}::${name}`,
      dependencies.map((urn) => engineUrnOf.get(urn) ?? urn).sort(),
    ]),
  );
  return registrations.map((registration): RegisteredResource => {
    const entry = byKey.get(`${registration.type}::${registration.name}`);
    const parent = entryOf(entry?.opts.parent);
    const isStack = registration.type === "pulumi:pulumi:Stack";
    return {
      urn: entry ? urnOf(entry) : stackUrn,
      type: registration.type,
      name: registration.name,
      custom: registration.custom ?? false,
      inputs: registration.inputs as Record<string, unknown>,
      computed: registration.computed,
      parent: isStack ? undefined : parent ? urnOf(parent) : stackUrn,
      provider: registration.provider ? registration.provider.split("::").slice(0, -1).join("::") : undefined,
      protect: entry?.opts.protect ?? false,
      dependencies: dependenciesOf.get(`${registration.type}::${registration.name}`) ?? [],
      ignoreChanges: entry?.opts.ignoreChanges ?? [],
      ...importOf(entry?.opts),
      replaceOnChanges: entry?.opts.replaceOnChanges ?? [],
      deleteBeforeReplace: (entry?.opts as pulumi.CustomResourceOptions | undefined)?.deleteBeforeReplace ?? false,
    };
  });
}

/** A custom resource's `import` option, as the plan shows it. */
function importOf(opts: pulumi.CustomResourceOptions | undefined): { import?: string } {
  return opts?.import === undefined ? {} : { import: opts.import };
}

/** `dependsOn` as the program gave it: one resource or a plain list (an Output of resources is not resolved here). */
function messageOf(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
