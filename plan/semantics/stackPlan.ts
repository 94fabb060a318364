import { accessGroupNames, privilegedScheduleName } from "../../infra/naming";
import {
  accessPolicy,
  endOfDayInOslo,
  grantKind,
  scheduleIsLive,
  startOfDay,
  type GrantKind,
} from "../../infra/model/access";
import type { IsoDate } from "../../infra/model/dates";
import type { FleetResult } from "../../infra/model/fleetShape";
import { parseStackName } from "../../infra/model/stackName";
import type { OwnerEnvironment } from "../../infra/model/ownerEnvironment";
import { packConfigForFleet } from "../../policies/packConfig";
import { runPolicies, type PolicyViolation } from "../../policies/runner/runner";
import type { PolicyPackConfig } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import type { Directory } from "./azureMocks";
import type { ContractViolation } from "./contracts/check";
import { evaluateStack, type EditInputs, type RegisteredResource } from "./evaluate";

export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  /** Resolved inputs; secret values are replaced by "[secret]". */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** `protect: true`: a deploy can neither delete nor replace it. */
  readonly protect: boolean;
  /** The input paths Pulumi leaves alone on update (`ignoreChanges`); absent when none. */
  readonly ignoreChanges?: readonly string[];
  /** Adopted, not created: the id Pulumi imports (`import`); absent when the resource is created. */
  readonly import?: string;
  /** The input paths whose change replaces it (`replaceOnChanges`, `*`: any); absent when none. */
  readonly replaceOnChanges?: readonly string[];
  /** A replacement deletes the old resource before creating the new one (`deleteBeforeReplace`); absent when not. */
  readonly deleteBeforeReplace?: true;
}

export interface PlannedMember {
  readonly group: string;
  readonly upn: string;
  readonly name: string;
  readonly expires: string | null;
  /** How the grant is given: a group member (membership model), a PIM active assignment or a PIM eligibility. */
  readonly access: GrantKind;
  /** When access ends, as PIM's expirationDate (midnight after `expires` in Oslo, UTC); null when it never does. */
  readonly endsAt: string | null;
}

/**
 * A PIM schedule Entra ID has ended while its grant is still in the owner file. The program no longer registers it,
 * and a deploy forgets it from the state before `pulumi up` (ended-schedules): never deleted, since Graph refuses to
 * remove an ended schedule (azuread #1445).
 */
export interface EndedSchedule {
  readonly name: string;
  readonly upn: string;
  readonly endedAt: string;
}

/** What one `<org>-<env>` stack would provision, who gets access, and what the policies say. */
export interface StackPlan {
  readonly stack: string;
  readonly owner: string;
  readonly environment: string;
  readonly resources: readonly PlannedResource[];
  readonly members: readonly PlannedMember[];
  /** The `pim` model's ended schedules whose grants are still in the owner file; absent when none. */
  readonly ended?: readonly EndedSchedule[];
  /** Policy violations, and every contract violation as a mandatory one (policy `provider-contracts`). */
  readonly violations: readonly PolicyViolation[];
  /** Inputs the providers would refuse, by their contracts (plan/semantics/contracts). Absent from plans of planners that predate them. */
  readonly contractViolations?: readonly ContractViolation[];
  /** Stack outputs; secret values are replaced by "[secret]". Absent from plans of planners that predate them. */
  readonly outputs?: Readonly<Record<string, unknown>>;
  /**
   * Ids in `resources` and `outputs` that the mocks invented (Entra object ids, client and principal ids): the real
   * ones exist only once Azure and Entra ID create the resources. Every output marks them. Absent when none.
   */
  readonly simulated?: readonly string[];
  readonly error?: string;
}

export const SECRET = "[secret]";

/** Secret inputs arrive from the mock monitor wrapped in Pulumi's secret signature: they never leave this process. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return SECRET;
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, maskSecrets(item)]));
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function guidsIn(value: unknown, into: Set<string>): Set<string> {
  if (typeof value === "string" && GUID.test(value)) into.add(value);
  else if (Array.isArray(value)) for (const item of value) guidsIn(item, into);
  else if (value !== null && typeof value === "object") for (const item of Object.values(value)) guidsIn(item, into);
  return into;
}

/**
 * The ids the mocks invented that the plan shows: what they computed for each resource (plan/semantics/azureMocks.ts) and the
 * mocked tenant's user ids. An id the program derives itself (a role assignment's name) is real and not among them.
 */
function simulatedIds(
  evaluation: { readonly resources: readonly { readonly computed: Readonly<Record<string, unknown>> }[] },
  directory: Directory,
  shown: unknown,
): string[] {
  // `name` and `id` echo what the program chose (a role assignment's name is its own guid), not an invention.
  const invented = guidsIn(
    evaluation.resources.map(({ computed: { name: _name, id: _id, ...computed } }) => computed),
    new Set(directory.values()),
  );
  return [...guidsIn(shown, new Set())].filter((id) => invented.has(id)).sort();
}

/** The policy name under which contract violations fail a plan like a mandatory policy. */
export const CONTRACT_POLICY = "provider-contracts";

/** Contract violations as mandatory policy violations, so every verdict (plan, diff, PR comment) counts them. */
function asPolicyViolations(
  violations: readonly ContractViolation[],
  resources: readonly RegisteredResource[],
): PolicyViolation[] {
  return violations.map((violation) => ({
    policy: CONTRACT_POLICY,
    level: "mandatory",
    message: violation.message,
    urn:
      resources.find((resource) => resource.type === violation.type && resource.name === violation.name)?.urn ??
      violation.name,
  }));
}

/** Owner and environment for the report; a stack name that does not parse is reported by the evaluation itself. */
function stackIdentity(stack: string): { org: string; environment: string } {
  try {
    return parseStackName(stack);
  } catch {
    return { org: "", environment: "" };
  }
}

function membersOf(target: OwnerEnvironment): PlannedMember[] {
  const names = new Map(target.owner.users.map((user) => [user.upn, user.name]));
  const policy = accessPolicy(target.layer);
  return target.activeGrants.map((grant) => ({
    group: accessGroupNames(target.org, target.environment, grant.role).displayName,
    upn: grant.user,
    name: names.get(grant.user) ?? "",
    expires: grant.expires ?? null,
    access: grantKind(policy, grant),
    endsAt: grant.expires ? endOfDayInOslo(grant.expires) : null,
  }));
}

function endedSchedulesOf(target: OwnerEnvironment, today: IsoDate): EndedSchedule[] {
  if (accessPolicy(target.layer).model !== "pim") return [];
  return target.owner.access.flatMap((grant) => {
    if (grant.environment !== target.environment || grant.expires === undefined) return [];
    const endedAt = endOfDayInOslo(grant.expires);
    if (scheduleIsLive(endedAt, startOfDay(today))) return [];
    const name = privilegedScheduleName(target.org, target.environment, grant.role, grant.user);
    return [{ name, upn: grant.user, endedAt }];
  });
}

/** What planning any stack of one fleet needs, prepared once per process. */
export interface PlanContext {
  readonly fleet: FleetResult;
  readonly today: IsoDate;
  /** The mocked tenant's users. */
  readonly directory: Directory;
  /** Policy config pointing the registry-reading policies at this fleet. */
  readonly policyConfig: PolicyPackConfig;
  /** Plan as the first preview of new stacks: nothing computed is known yet. */
  readonly firstPreview: boolean;
}

export function planContext(
  fleet: FleetResult,
  today: IsoDate,
  directory: Directory,
  firstPreview = false,
): PlanContext {
  return { fleet, today, directory, policyConfig: packConfigForFleet(fleet.fleet, today), firstPreview };
}

/** Plan one stack in this process. The Pulumi runtime is process-global: one stack at a time per process. */
export async function planStack(
  stack: string,
  { fleet, today, directory, policyConfig, firstPreview }: PlanContext,
  editInputs?: EditInputs,
): Promise<StackPlan> {
  const { org: owner, environment } = stackIdentity(stack);
  const evaluation = await evaluateStack({ stack, fleet, today, directory, firstPreview, editInputs });
  const base = { stack, owner, environment };
  if (evaluation.error !== undefined || !evaluation.target) {
    return {
      ...base,
      resources: [],
      members: [],
      violations: [],
      contractViolations: evaluation.contractViolations,
      outputs: {},
      error: evaluation.error,
    };
  }
  const report = await runPolicies(evaluation.resources, { config: policyConfig });
  const ended = endedSchedulesOf(evaluation.target, today);
  const resources = evaluation.resources
    .filter((resource) => resource.type !== "pulumi:pulumi:Stack")
    .map(({ type, name, inputs, protect, ignoreChanges, import: importId, replaceOnChanges, deleteBeforeReplace }) => ({
      type,
      name,
      inputs: maskSecrets(inputs) as Record<string, unknown>,
      protect,
      ...(ignoreChanges.length > 0 ? { ignoreChanges } : {}),
      ...(importId !== undefined ? { import: importId } : {}),
      ...(replaceOnChanges.length > 0 ? { replaceOnChanges } : {}),
      ...(deleteBeforeReplace ? { deleteBeforeReplace: true as const } : {}),
    }));
  const simulated = simulatedIds(evaluation, directory, [resources, evaluation.outputs]);
  return {
    ...base,
    resources,
    members: membersOf(evaluation.target),
    ...(ended.length > 0 ? { ended } : {}),
    violations: [...report.violations, ...asPolicyViolations(evaluation.contractViolations, evaluation.resources)],
    contractViolations: evaluation.contractViolations,
    outputs: evaluation.outputs,
    ...(simulated.length > 0 ? { simulated } : {}),
  };
}
