import * as pulumi from "@pulumi/pulumi";
import { acceptedValuesOf } from "./acceptedValues";
import type { ContractNode, ContractRule, ProviderContract, TypeContract } from "./contract";

/** One input a provider would refuse, found on a plan. */
export interface ContractViolation {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  /** The input's path in the SDK's shape (`properties.sku.name`, `agentPoolProfiles[0].vmSize`). */
  readonly property: string;
  /** Where the provider receives it, when that differs from `property` (`properties.audiences`, `ticket_number`). */
  readonly at: string;
  /** The rule, in words: `required`, `one of standard|premium`, `pattern ^[a-z]+$` … */
  readonly rule: string;
  readonly source: string;
  /** `<stack> <type> <name> <property>: <rule> (<source>)` */
  readonly message: string;
}

/** Rules that describe a change, not a request: the plan of one state cannot break them. */
const CHANGE_RULES = new Set<ContractRule["kind"]>(["createOnly", "forceNew"]);

export function describeRule(rule: ContractRule): string {
  switch (rule.kind) {
    case "required":
    case "readOnly":
    case "createOnly":
    case "forceNew":
      return rule.kind === "readOnly" ? "read-only (computed by the service)" : rule.kind;
    case "type":
      return `type ${rule.type}`;
    case "enum":
      return `one of ${rule.values.join("|")}${rule.extensible ? " (extensible enum: a value ARM is shown to accept goes in plan/semantics/contracts/acceptedValues.ts)" : ""}`;
    case "pattern":
      return `pattern ${rule.pattern}`;
    case "minimum":
    case "maximum":
      return `${rule.kind}${rule.exclusive ? " (exclusive)" : ""} ${rule.limit}`;
    case "minLength":
    case "maxLength":
    case "minItems":
    case "maxItems":
      return `${rule.kind} ${rule.limit}`;
    case "format":
      return `format ${rule.format}`;
    case "requiredWith":
    case "conflictsWith":
    case "exactlyOneOf":
    case "atLeastOneOf":
      return `${rule.kind} ${rule.paths.join(", ")}`;
  }
}

/** A value Pulumi does not know yet (a first preview, an output of a resource not created): never guessed. */
function isUnknown(value: unknown): boolean {
  return pulumi.isUnknown(value);
}

/** An input as the provider receives it: secrets reach the mocks wrapped in Pulumi's secret signature; unknowns stay unknown (undefined). */
export function plainValue(value: unknown): unknown {
  if (isUnknown(value)) return undefined;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return plainValue(record["value"]);
  }
  return value;
}

const isAbsent = (value: unknown) => value === undefined || value === null;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function matchesFormat(format: "uuid" | "uri" | "date-time", value: string): boolean {
  if (format === "uuid") return UUID.test(value);
  if (format === "date-time") return RFC3339.test(value) && !Number.isNaN(Date.parse(value));
  return URL.canParse(value);
}

const patterns = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let regExp = patterns.get(pattern);
  if (!regExp) {
    // ARM's patterns are .NET regular expressions; the ones in the specs read the same in JavaScript.
    regExp = new RegExp(pattern, "u");
    patterns.set(pattern, regExp);
  }
  return regExp;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** Whether `value` breaks `rule` (rules on absence and cross-input rules are checked by the walk). */
function breaks(rule: ContractRule, value: unknown): boolean {
  switch (rule.kind) {
    case "type": {
      const actual = typeOf(value);
      return !(actual === rule.type || (rule.type === "number" && actual === "integer"));
    }
    case "enum":
      return !rule.values.includes(value as string | number);
    case "pattern":
      return typeof value === "string" && !compiled(rule.pattern).test(value);
    case "minLength":
      return typeof value === "string" && [...value].length < rule.limit;
    case "maxLength":
      return typeof value === "string" && [...value].length > rule.limit;
    case "minItems":
      return Array.isArray(value) && value.length < rule.limit;
    case "maxItems":
      return Array.isArray(value) && value.length > rule.limit;
    case "minimum":
      return typeof value === "number" && (rule.exclusive ? value <= rule.limit : value < rule.limit);
    case "maximum":
      return typeof value === "number" && (rule.exclusive ? value >= rule.limit : value > rule.limit);
    case "format":
      return typeof value === "string" && !matchesFormat(rule.format, value);
    case "readOnly":
      return true;
    default:
      return false;
  }
}

/** The value at a path of SDK names from the root (`activationRules.requireMultifactorAuthentication`). */
function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const segment of path.split(".")) {
    if (isUnknown(value)) return value;
    const plain = plainValue(value);
    if (isAbsent(plain) || typeof plain !== "object") return undefined;
    value = (plain as Record<string, unknown>)[segment];
  }
  return value;
}

/** Set, for Terraform's cross-attribute rules: an unknown value will be set to something. */
const isSet = (value: unknown) => isUnknown(value) || !isAbsent(plainValue(value));

function breaksGroup(
  rule: { readonly kind: ContractRule["kind"]; readonly paths: readonly string[] },
  root: unknown,
): boolean {
  const present = rule.paths.filter((path) => isSet(valueAt(root, path))).length;
  return rule.kind === "exactlyOneOf" ? present !== 1 : present < 1;
}

interface Found {
  readonly property: string;
  readonly at: string;
  readonly rule: ContractRule;
}

/** What one walk over a resource's inputs needs besides the node and value at hand. */
interface Walk {
  readonly root: unknown;
  /** `<at>=<value>` accepted beyond an extensible enum (acceptedValues.ts). */
  readonly accepted: ReadonlySet<string>;
  readonly found: Found[];
}

function walk(node: ContractNode, raw: unknown, property: string, context: Walk): void {
  const { root, found } = context;
  if (isUnknown(raw)) return;
  const value = plainValue(raw);
  const rules = node.rules ?? [];
  if (isAbsent(value)) {
    for (const rule of rules) {
      if (rule.kind === "required") found.push({ property, at: node.at, rule });
      // A group of which one (or exactly one) must be set is broken by its members' absence too.
      if ((rule.kind === "exactlyOneOf" || rule.kind === "atLeastOneOf") && breaksGroup(rule, root))
        found.push({ property, at: node.at, rule });
    }
    return;
  }
  for (const rule of rules) {
    if (CHANGE_RULES.has(rule.kind) || rule.kind === "required") continue;
    if (rule.kind === "requiredWith" || rule.kind === "conflictsWith") {
      const others = rule.paths.map((path) => valueAt(root, path));
      const broken = rule.kind === "requiredWith" ? !others.every(isSet) : others.some(isSet);
      if (broken) found.push({ property, at: node.at, rule });
      continue;
    }
    if (rule.kind === "exactlyOneOf" || rule.kind === "atLeastOneOf") {
      if (breaksGroup(rule, root)) found.push({ property, at: node.at, rule });
      continue;
    }
    if (rule.kind === "enum" && rule.extensible && context.accepted.has(`${node.at}=${String(value)}`)) continue;
    if (breaks(rule, value)) {
      found.push({ property, at: node.at, rule });
      // A value of the wrong type says nothing about its other rules.
      if (rule.kind === "type") return;
    }
  }
  if (node.properties && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const [key, child] of Object.entries(node.properties))
      walk(child, record[key], property ? `${property}.${key}` : key, context);
  }
  if (node.items && Array.isArray(value))
    value.forEach((item, index) => node.items && walk(node.items, item, `${property}[${index}]`, context));
  if (node.values && typeof value === "object" && !Array.isArray(value))
    for (const [key, item] of Object.entries(value as Record<string, unknown>))
      walk(node.values, item, `${property}.${key}`, context);
}

/** Every rule of `contract` the inputs of one resource break. */
export function checkInputs(
  contract: TypeContract,
  inputs: Readonly<Record<string, unknown>>,
  accepted: ReadonlySet<string> = new Set(),
): Found[] {
  const found: Found[] = [];
  walk(contract.inputs, inputs, "", { root: inputs, accepted, found });
  // exactlyOneOf and atLeastOneOf name the same group on each member: report the group once.
  const seen = new Set<string>();
  return found.filter(({ property, rule }) => {
    const key =
      rule.kind === "exactlyOneOf" || rule.kind === "atLeastOneOf"
        ? `${rule.kind}:${rule.paths.join(",")}`
        : `${property}:${rule.kind}:${rule.source}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Checks registered resources against the providers' contracts: one instance per stack evaluation. */
export class ContractChecker {
  private readonly byType: ReadonlyMap<string, { contract: TypeContract; accepted: ReadonlySet<string> }>;
  readonly violations: ContractViolation[] = [];

  constructor(
    private readonly stack: string,
    contracts: readonly ProviderContract[],
  ) {
    this.byType = new Map(
      contracts.flatMap((provider) =>
        Object.entries(provider.types).map(([type, contract]) => [
          type,
          { contract, accepted: acceptedValuesOf(type) },
        ]),
      ),
    );
  }

  check(type: string, name: string, inputs: Readonly<Record<string, unknown>>): void {
    const known = this.byType.get(type);
    if (!known) return;
    for (const { property, at, rule } of checkInputs(known.contract, inputs, known.accepted)) {
      const text = describeRule(rule);
      const where = at && at !== property ? ` [${at}]` : "";
      this.violations.push({
        stack: this.stack,
        type,
        name,
        property,
        at,
        rule: text,
        source: rule.source,
        message: `${this.stack} ${type} ${name} ${property}${where}: ${text} (${rule.source})`,
      });
    }
  }
}
