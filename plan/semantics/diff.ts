import {
  IMMUTABLE_STACK_FIELDS,
  REPLACEMENT_GUARDED_TYPES,
  REPLACEMENT_PROPERTIES,
  type ReplacementProperty,
} from "../../infra/changeRules";
import type { OwnerEnvironment } from "../../infra/model/ownerEnvironment";
import { stackSettings } from "../../infra/stackSettings";
import type { PolicyViolation } from "../../policies/runner/runner";
import type { EndedSchedule, PlannedResource, StackPlan } from "./stackPlan";

/** `import`: an existing resource adopted (Pulumi's `import` option), neither created nor changed when it matches. */
export type Action = "create" | "import" | "update" | "delete" | "replace";

export interface PropertyChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface ResourceChange {
  readonly type: string;
  readonly name: string;
  readonly action: Action;
  readonly properties: readonly PropertyChange[];
  /** A replacement that deletes the old resource before it creates the new one (`deleteBeforeReplace`). */
  readonly deleteFirst?: true;
}

export type StackStatus = "create" | "update" | "unchanged" | "unmanaged" | "error";

/** How one stack's plan differs between the base and the working tree, and what of it may not be deployed. */
export interface StackDiff extends Pick<StackPlan, "stack" | "owner" | "environment" | "error"> {
  readonly status: StackStatus;
  readonly changes: readonly ResourceChange[];
  /** Changes a deploy must not attempt, each with what to do instead. */
  readonly refusals: readonly string[];
  /**
   * Replacements of a cluster, vault, workspace or network (REPLACEMENT_GUARDED_TYPES), any environment: refused
   * unless the pull request approves them (`--allow-replacement`, the `replacement-approved` label).
   */
  readonly replacements: readonly string[];
  /** The working tree's policy verdicts. */
  readonly violations: readonly PolicyViolation[];
  /**
   * PIM schedules Entra ID has ended whose grants leave the owner file: not deleted, because a deploy has forgotten
   * them from the state already (or does so before its `pulumi up`); absent when none.
   */
  readonly ended?: readonly EndedSchedule[];
  /** Whether anything in the plan differs: resources, outputs, verdicts, errors. */
  readonly differs: boolean;
  /** Ids on either side that the mocks invented (see StackPlan.simulated); absent when none. */
  readonly simulated?: readonly string[];
}

const GROUP = "azuread:index/group:Group";
const STACK = "pulumi:pulumi:Stack";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * Leaves by path: `properties.networkAcls.defaultAction`, `agentPoolProfiles[0].vmSize`. An array of plain values
 * is one leaf (`availabilityZones`), as is an empty object; undefined values are absent, as in a preview.
 */
function flatten(value: unknown, prefix: string, into: Map<string, unknown>): Map<string, unknown> {
  if (value === undefined) return into;
  if (Array.isArray(value) && value.some((item) => isRecord(item) || Array.isArray(item))) {
    value.forEach((item, index) => flatten(item, `${prefix}[${index}]`, into));
  } else if (isRecord(value) && Object.keys(value).length > 0) {
    for (const [key, item] of Object.entries(value)) flatten(item, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into.set(prefix, value);
  }
  return into;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function propertyChanges(before: Map<string, unknown>, after: Map<string, unknown>): PropertyChange[] {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  return paths.flatMap((path) => {
    const [a, b] = [before.get(path) ?? null, after.get(path) ?? null];
    return same(a, b) ? [] : [{ path, before: a, after: b }];
  });
}

/** A group's members by who they are (UPN and name), not by the object ids the mocks made up for them. */
function memberChanges(base: StackPlan | undefined, head: StackPlan | undefined, group: string): PropertyChange[] {
  const of = (plan: StackPlan | undefined) =>
    new Set(
      (plan?.members ?? [])
        .filter((member) => member.group === group)
        .map((member) => `${member.upn} (${member.name})${member.expires ? `, expires ${member.expires}` : ""}`),
    );
  const [before, after] = [of(base), of(head)];
  return [
    ...[...after]
      .filter((member) => !before.has(member))
      .map((member) => ({ path: "members", before: null, after: member })),
    ...[...before]
      .filter((member) => !after.has(member))
      .map((member) => ({ path: "members", before: member, after: null })),
  ];
}

function inputsOf(resource: PlannedResource): Map<string, unknown> {
  const { members: _members, ...inputs } = resource.inputs;
  return flatten(resource.type === GROUP ? inputs : resource.inputs, "", new Map());
}

/** Whether a property path is `prefix` or lies below it (`a.b` and `a[0]` lie below `a`; `ab` does not). */
export function isAtOrBelow(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

/** The replacement rule a changed path falls under: a rule covers what is below it. */
export function replacementRule(type: string, path: string): ReplacementProperty | undefined {
  return REPLACEMENT_PROPERTIES.find((rule) => rule.type === type && isAtOrBelow(path, rule.property));
}

const ruleOf = (type: string, path: string, effect: ReplacementProperty["effect"]) => {
  const rule = replacementRule(type, path);
  return rule?.effect === effect ? rule : undefined;
};

const key = (resource: { type: string; name: string }) => `${resource.type}::${resource.name}`;

/** Whether the resource's own `replaceOnChanges` makes a change of this path a replacement (`*`: any path). */
function replacedOnChange(resource: PlannedResource, path: string): boolean {
  return (resource.replaceOnChanges ?? []).some((replaced) => replaced === "*" || isAtOrBelow(path, replaced));
}

/**
 * Whether Pulumi leaves a changed path alone on update: it is, or lies below, one of the resource's `ignoreChanges`
 * paths (`agentPoolProfiles`, `count`; `[*]` matches any index). The working tree's options decide, as in a preview.
 */
function isIgnored(path: string, ignoreChanges: readonly string[] = []): boolean {
  const anyIndex = path.replace(/\[\d+\]/g, "[*]");
  return ignoreChanges.some((ignored) => isAtOrBelow(path, ignored) || isAtOrBelow(anyIndex, ignored));
}

function resourceChanges(base: StackPlan | undefined, head: StackPlan | undefined): ResourceChange[] {
  const before = new Map((base?.resources ?? []).map((resource) => [key(resource), resource]));
  const after = new Map((head?.resources ?? []).map((resource) => [key(resource), resource]));
  const changes: ResourceChange[] = [];
  for (const [id, resource] of after) {
    const previous = before.get(id);
    const { type, name } = resource;
    // Members by who they are, where the group holds them (the membership model; under PIM schedules grant access).
    const holdsMembers = type === GROUP && ("members" in resource.inputs || (previous && "members" in previous.inputs));
    const members = holdsMembers ? memberChanges(base, head, String(resource.inputs["displayName"])) : [];
    if (!previous) {
      const properties = [...propertyChanges(new Map(), inputsOf(resource)), ...members];
      changes.push({ type, name, action: resource.import === undefined ? "create" : "import", properties });
      continue;
    }
    const properties = [
      ...propertyChanges(inputsOf(previous), inputsOf(resource)).filter(
        (property) => !isIgnored(property.path, resource.ignoreChanges),
      ),
      ...members,
    ];
    if (properties.length === 0) continue;
    const replaced = properties.some(
      (property) => ruleOf(type, property.path, "replace") || replacedOnChange(resource, property.path),
    );
    changes.push({
      type,
      name,
      action: replaced ? "replace" : "update",
      properties,
      ...(replaced && resource.deleteBeforeReplace ? { deleteFirst: true as const } : {}),
    });
  }
  for (const [id, resource] of before) {
    if (after.has(id)) continue;
    const properties = propertyChanges(inputsOf(resource), new Map());
    changes.push({ type: resource.type, name: resource.name, action: "delete", properties });
  }
  if (base?.outputs && head?.outputs) {
    const outputs = propertyChanges(
      flatten(base.outputs, "outputs", new Map()),
      flatten(head.outputs, "outputs", new Map()),
    );
    if (outputs.length > 0) changes.push({ type: STACK, name: head.stack, action: "update", properties: outputs });
  }
  return changes;
}

const shown = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** Why a change is a replacement: each changed path with its rule's reason. */
function causesOf(change: ResourceChange, effect: ReplacementProperty["effect"]): string {
  return change.properties
    .flatMap((property) => {
      const rule = ruleOf(change.type, property.path, effect);
      return rule ? [`${property.path} (${rule.reason})`] : [];
    })
    .join("; ");
}

/**
 * What a deploy must not attempt: changes of settings no existing stack can change, updates Azure refuses, deletions
 * of protected resources, and replacements of protected resources other than the guarded types. Replacements of a
 * guarded type (a cluster, vault, workspace or network, in any environment) are listed apart: a pull request may
 * approve them explicitly.
 */
function refusalsOf(
  stack: string,
  changes: readonly ResourceChange[],
  protectedResources: ReadonlySet<string>,
  targets: { readonly base?: OwnerEnvironment; readonly head?: OwnerEnvironment },
): { refusals: string[]; replacements: string[] } {
  const [base, head] = [targets.base && stackSettings(targets.base), targets.head && stackSettings(targets.head)];
  const immutable =
    base && head
      ? IMMUTABLE_STACK_FIELDS.filter((field) => !same(field.read(base), field.read(head))).map(
          (field) =>
            `${stack}: ${field.setting} changes from ${shown(field.read(base))} to ${shown(field.read(head))}, ` +
            `which an existing stack cannot do: ${field.reason}. Instead: ${field.instead}.`,
        )
      : [];
  const refusedUpdates = changes
    .filter((change) => change.action === "update" || change.action === "replace")
    .filter((change) => causesOf(change, "refused") !== "")
    .map(
      (change) =>
        `${stack}: ${change.type} ${change.name} cannot be changed this way, because ${causesOf(change, "refused")}. ` +
        "Instead: revert this change.",
    );
  const guarded = (change: ResourceChange) =>
    change.action === "replace" && REPLACEMENT_GUARDED_TYPES.includes(change.type);
  const destructive = changes
    .filter(
      (change) =>
        !guarded(change) &&
        (change.action === "delete" || change.action === "replace") &&
        protectedResources.has(key(change)),
    )
    .map((change) => {
      if (change.action === "delete")
        return (
          `${stack}: ${change.type} ${change.name} is protected and would be deleted. Instead: restore what removed it; ` +
          "a protected resource is only ever removed deliberately, by the decommissioning recipe (docs/tasks/decommission.md)."
        );
      return (
        `${stack}: ${change.type} ${change.name} is protected and would be replaced, because ${causesOf(change, "replace")}. ` +
        "Instead: revert this change, or build the new resource as a new stack and migrate to it (see the decommissioning recipe, docs/tasks/decommission.md)."
      );
    });
  const replacements = changes
    .filter(guarded)
    .map(
      (change) =>
        `${stack}: ${change.type} ${change.name} would be replaced (deleted and created again), because ` +
        `${causesOf(change, "replace")}. Instead: revert this change; if the replacement is intended, the pull request ` +
        "needs the replacement-approved label (plan --diff --allow-replacement), and the deploy `pulumi state unprotect` " +
        "(docs/design/azure-decisions.md, Replacements).",
    );
  return { refusals: [...immutable, ...refusedUpdates, ...destructive], replacements };
}

export interface StackSides {
  readonly stack: string;
  readonly base?: StackPlan;
  readonly head?: StackPlan;
  readonly baseTarget?: OwnerEnvironment;
  readonly headTarget?: OwnerEnvironment;
}

function simulatedOf(...plans: (StackPlan | undefined)[]): { simulated?: string[] } {
  const simulated = [...new Set(plans.flatMap((plan) => plan?.simulated ?? []))].sort();
  return simulated.length > 0 ? { simulated } : {};
}

export function diffStack({ stack, base, head, baseTarget, headTarget }: StackSides): StackDiff {
  const identity = head ?? base;
  const changes = head?.error === undefined ? resourceChanges(base, head) : [];
  const protectedResources = new Set(
    [...(base?.resources ?? []), ...(head?.resources ?? [])].filter((resource) => resource.protect).map(key),
  );
  const status: StackStatus = !head
    ? "unmanaged"
    : head.error !== undefined
      ? "error"
      : !base || base.error !== undefined
        ? "create"
        : changes.length > 0
          ? "update"
          : "unchanged";
  const { refusals, replacements } = head
    ? refusalsOf(stack, changes, protectedResources, { base: baseTarget, head: headTarget })
    : { refusals: [], replacements: [] };
  const stillListed = new Set((head?.ended ?? []).map((schedule) => schedule.name));
  const ended = head ? (base?.ended ?? []).filter((schedule) => !stillListed.has(schedule.name)) : [];
  // A refused setting may change no resource at all (the inline system pool ignores its changes): it still shows.
  const differs =
    changes.length > 0 ||
    refusals.length > 0 ||
    replacements.length > 0 ||
    ended.length > 0 ||
    !head ||
    !base ||
    base.error !== head.error ||
    !same(base.violations, head.violations);
  return {
    stack,
    owner: identity?.owner ?? "",
    environment: identity?.environment ?? "",
    status,
    changes: status === "unmanaged" ? [] : changes,
    refusals,
    replacements,
    violations: head?.violations ?? [],
    ...(ended.length > 0 ? { ended } : {}),
    ...(head?.error !== undefined ? { error: head.error } : {}),
    differs,
    ...simulatedOf(base, head),
  };
}

/** One change as it appears on many stacks: "ManagedCluster kubernetesVersion 1.33 → 1.34 on 53 prod stacks". */
export interface FoldedChange {
  readonly type: string;
  readonly action: Action;
  /** Absent for a whole-resource create or delete. */
  readonly path?: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly deleteFirst?: true;
  readonly stacks: readonly string[];
}

/** The folds one resource change falls into: one for a whole-resource create or delete, else one per property. */
export function foldsOf(change: ResourceChange): Omit<FoldedChange, "stacks">[] {
  if (change.action === "create" || change.action === "import" || change.action === "delete")
    return [{ type: change.type, action: change.action }];
  const order = change.deleteFirst ? { deleteFirst: change.deleteFirst } : {};
  return change.properties.map((property) => ({ type: change.type, action: change.action, ...property, ...order }));
}

export const foldKey = (fold: Omit<FoldedChange, "stacks">): string =>
  JSON.stringify([fold.type, fold.action, fold.path, fold.before, fold.after, fold.deleteFirst]);

export function foldChanges(stacks: readonly StackDiff[]): FoldedChange[] {
  const folds = new Map<string, FoldedChange & { stacks: string[] }>();
  for (const diff of stacks) {
    for (const fold of diff.changes.flatMap(foldsOf)) {
      const known = folds.get(foldKey(fold)) ?? { ...fold, stacks: [] };
      if (!known.stacks.includes(diff.stack)) known.stacks.push(diff.stack);
      folds.set(foldKey(fold), known);
    }
  }
  return [...folds.values()].sort((a, b) => b.stacks.length - a.stacks.length);
}
