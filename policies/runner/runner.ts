import "./policyInternals";
import type {
  EnforcementLevel,
  PolicyPackConfig,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { unknownCheckingProxy, unknownStringValue, UnknownValueError } from "@pulumi/policy/proxy";
import { isUnknown } from "@pulumi/pulumi/output";
import { POLICIES, POLICY_PACK_NAME } from "../policies";

/** A registered resource as the analyzer receives it. */
export interface AnalyzedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly protect: boolean;
  readonly parent?: string | undefined;
  readonly provider?: string | undefined;
}

export interface PolicyViolation {
  readonly policy: string;
  readonly level: "advisory" | "mandatory";
  readonly message: string;
  readonly urn: string;
}

export interface NotApplicable {
  readonly policy: string;
  readonly urn: string;
  readonly reason: string;
}

export interface PolicyReport {
  readonly violations: readonly PolicyViolation[];
  readonly notApplicable: readonly NotApplicable[];
}

export interface RunOptions {
  readonly policies?: readonly ResourceValidationPolicy[];
  /** The same shape as `pulumi preview --policy-pack-config <file>`. */
  readonly config?: PolicyPackConfig;
  readonly packVersion?: string;
}

class NotApplicableError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

type PolicyConfigEntry = PolicyPackConfig[string];

function configObject(entry: PolicyConfigEntry | undefined): Record<string, unknown> {
  return entry !== undefined && typeof entry === "object" ? entry : {};
}

/** As the analyzer decides it: the policy's own entry, then the pack-wide "all" entry, then the policy's default. */
export function enforcementLevelOf(policy: ResourceValidationPolicy, config: PolicyPackConfig): EnforcementLevel {
  for (const entry of [config[policy.name], config["all"]]) {
    if (typeof entry === "string") return entry;
    const level = configObject(entry)["enforcementLevel"];
    if (typeof level === "string") return level as EnforcementLevel;
  }
  return policy.enforcementLevel ?? "advisory";
}

/** Config properties with the schema's defaults filled in, without the enforcement level. */
function policyConfig(policy: ResourceValidationPolicy, config: PolicyPackConfig): Record<string, unknown> {
  const defaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {}).flatMap(([key, schema]) =>
      schema.default === undefined ? [] : [[key, schema.default]],
    ),
  );
  const { enforcementLevel: _level, ...values } = configObject(config[policy.name]);
  return { ...defaults, ...values };
}

/** The engine sends values that are unknown during preview as sentinels; the analyzer's proxy turns them into errors. */
function withPolicyUnknowns(value: unknown): unknown {
  if (isUnknown(value)) return unknownStringValue;
  if (Array.isArray(value)) return value.map(withPolicyUnknowns);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withPolicyUnknowns(item)]));
  }
  return value;
}

function pulumiTypeOf(validate: unknown): string | undefined {
  const type = (validate as { __pulumiType?: unknown }).__pulumiType;
  return typeof type === "string" ? type : undefined;
}

function argsFor(
  resource: AnalyzedResource,
  props: Record<string, unknown>,
  config: Record<string, unknown>,
): ResourceValidationArgs {
  const isType: ResourceValidationArgs["isType"] = (resourceClass) => pulumiTypeOf(resourceClass) === resource.type;
  return {
    type: resource.type,
    props,
    urn: resource.urn,
    name: resource.name,
    opts: {
      protect: resource.protect,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
      ...(resource.parent ? { parent: resource.parent } : {}),
    },
    stackTags: new Map(),
    isType,
    asType: ((resourceClass) => (isType(resourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicableError(reason ?? "not applicable");
    },
  };
}

/**
 * Run resource policies over registered resources the way the CrossGuard analyzer does: type filtering, enforcement
 * levels and config, `notApplicable`, and props behind the unknown-checking proxy, so that a value unknown during
 * preview reports "can't run during preview" instead of passing silently.
 */
export async function runPolicies(
  resources: readonly AnalyzedResource[],
  options: RunOptions = {},
): Promise<PolicyReport> {
  const { policies = POLICIES, config = {}, packVersion = "0.1.0" } = options;
  const violations: PolicyViolation[] = [];
  const notApplicable: NotApplicable[] = [];
  for (const policy of policies) {
    const level = enforcementLevelOf(policy, config);
    if (level === "disabled") continue;
    const reportedLevel = level === "advisory" ? "advisory" : "mandatory";
    const validations = [policy.validateResource ?? []].flat();
    const values = policyConfig(policy, config);
    for (const resource of resources) {
      for (const validate of validations) {
        const type = pulumiTypeOf(validate);
        if (type && type !== resource.type) {
          notApplicable.push({
            policy: policy.name,
            urn: resource.urn,
            reason: `Policy only applies to resources of type '${type}'`,
          });
          continue;
        }
        const props = unknownCheckingProxy(withPolicyUnknowns(resource.inputs) as Record<string, unknown>);
        const report = (message: string) =>
          violations.push({ policy: policy.name, level: reportedLevel, message, urn: resource.urn });
        try {
          await validate(argsFor(resource, props, values), report);
        } catch (error) {
          if (error instanceof UnknownValueError) {
            violations.push({
              policy: policy.name,
              level: "advisory",
              message: `can't run policy '${policy.name}' from policy pack '${POLICY_PACK_NAME}@v${packVersion}' during preview: ${error.message}`,
              urn: resource.urn,
            });
          } else if (error instanceof NotApplicableError) {
            notApplicable.push({ policy: policy.name, urn: resource.urn, reason: error.reason });
          } else {
            throw new Error(
              `Error validating resource with policy '${policy.name}': ${error instanceof Error ? error.message : String(error)}`,
            );
          }
        }
      }
    }
  }
  return { violations, notApplicable };
}
