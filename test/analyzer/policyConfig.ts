import Ajv from "ajv";

/**
 * What the Pulumi CLI does with `--policy-pack-config <file>` before it calls the analyzer's Configure, mirrored from
 * pkg/resource/analyzer/config.go (parsePolicyPackConfig, ReconcilePolicyPackConfig, validatePolicyConfig) and
 * pkg/engine/update.go (the "validating policy config" messages). The CLI validates with gojsonschema; this uses ajv
 * on the same schema (`{type: object, properties, required}` built from the policy's config schema).
 */
export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

export interface AnalyzerPolicyConfig {
  readonly enforcementLevel?: EnforcementLevel | undefined;
  readonly properties?: Record<string, unknown> | undefined;
}

/** One policy as GetAnalyzerInfo describes it. */
export interface AnalyzerPolicyInfo {
  readonly name: string;
  readonly description: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly configSchema?: { readonly properties: Record<string, unknown>; readonly required: readonly string[] };
}

export type ReconciledConfig =
  { readonly config: Record<string, AnalyzerPolicyConfig> } | { readonly errors: readonly string[] };

function isEnforcementLevel(value: unknown): value is EnforcementLevel {
  return (ENFORCEMENT_LEVELS as readonly unknown[]).includes(value);
}

function extractEnforcementLevel(policy: string, props: Record<string, unknown>): EnforcementLevel | undefined {
  if (!("enforcementLevel" in props)) return undefined;
  const level = props["enforcementLevel"];
  delete props["enforcementLevel"];
  if (typeof level !== "string") {
    throw new Error(
      `parsing enforcement level for "${policy}": ${String(level)} is not a valid enforcement level; must be a string`,
    );
  }
  if (!isEnforcementLevel(level))
    throw new Error(`parsing enforcement level for "${policy}": "${level}" is not a valid enforcement level`);
  return level;
}

/** The config file's JSON, as parsePolicyPackConfig reads it; throws the CLI's message on a malformed entry. */
export function parsePolicyPackConfig(document: Record<string, unknown>): Record<string, AnalyzerPolicyConfig> {
  const result: Record<string, AnalyzerPolicyConfig> = {};
  for (const [policy, value] of Object.entries(document)) {
    if (typeof value === "string") {
      if (!isEnforcementLevel(value)) {
        throw new Error(`parsing enforcement level for "${policy}": "${value}" is not a valid enforcement level`);
      }
      result[policy] = { enforcementLevel: value };
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const properties = structuredClone(value) as Record<string, unknown>;
      const enforcementLevel = extractEnforcementLevel(policy, properties);
      const hasProperties = Object.keys(properties).length > 0;
      if (enforcementLevel || hasProperties) {
        result[policy] = { enforcementLevel, properties: hasProperties ? properties : undefined };
      }
    } else {
      throw new Error(`parsing "${policy}": ${JSON.stringify(value)} is not a valid value; must be a string or object`);
    }
  }
  return result;
}

function withDefaults(policies: readonly AnalyzerPolicyInfo[]): Record<string, AnalyzerPolicyConfig> {
  return Object.fromEntries(
    policies.map((policy) => {
      const defaults = Object.entries(policy.configSchema?.properties ?? {}).flatMap(([key, schema]) =>
        schema !== null && typeof schema === "object" && "default" in schema ? [[key, schema.default]] : [],
      );
      const properties = defaults.length > 0 ? Object.fromEntries(defaults) : undefined;
      return [policy.name, { enforcementLevel: policy.enforcementLevel, properties }];
    }),
  );
}

function applyConfig(
  result: Record<string, AnalyzerPolicyConfig>,
  given: Record<string, AnalyzerPolicyConfig>,
): Record<string, AnalyzerPolicyConfig> {
  const next = { ...result };
  const all = given["all"]?.enforcementLevel;
  if (all) {
    for (const [name, config] of Object.entries(next)) next[name] = { ...config, enforcementLevel: all };
  }
  for (const [name, config] of Object.entries(given)) {
    const current = next[name];
    const properties =
      config.properties && Object.keys(config.properties).length > 0
        ? { ...current?.properties, ...config.properties }
        : current?.properties;
    next[name] = { enforcementLevel: config.enforcementLevel ?? current?.enforcementLevel, properties };
  }
  return next;
}

const ajv = new Ajv({ allErrors: true, strict: false });

/**
 * Defaults from the schemas, then the pack's initial config, then the given config; then every policy's properties
 * validated against its schema. Errors are the CLI's lines, sorted, as it prints them before refusing to run.
 */
export function reconcilePolicyPackConfig(
  pack: { readonly name: string; readonly version: string; readonly policies: readonly AnalyzerPolicyInfo[] },
  initialConfig: Record<string, AnalyzerPolicyConfig>,
  config: Record<string, AnalyzerPolicyConfig>,
): ReconciledConfig {
  const result = applyConfig(applyConfig(withDefaults(pack.policies), initialConfig), config);
  const errors = pack.policies.flatMap((policy) => {
    if (!policy.configSchema) return [];
    const schema = {
      type: "object",
      ...(Object.keys(policy.configSchema.properties).length > 0 ? { properties: policy.configSchema.properties } : {}),
      ...(policy.configSchema.required.length > 0 ? { required: policy.configSchema.required } : {}),
    };
    const validate = ajv.compile(schema);
    if (validate(result[policy.name]?.properties ?? {})) return [];
    return (validate.errors ?? []).map(
      (error) =>
        `validating policy config: ${pack.name} ${pack.version}  ${policy.name}: ${error.instancePath.slice(1).replaceAll("/", ".") || "(root)"}: ${error.message ?? "is invalid"}`,
    );
  });
  return errors.length > 0 ? { errors: errors.sort() } : { config: result };
}
