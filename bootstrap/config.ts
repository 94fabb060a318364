import { z } from "zod";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const guid = z.string().regex(GUID, "expected a GUID");
const notPlaceholder = (value: string) => !value.toLowerCase().includes("placeholder");
/** Role assignments go on management groups (preferred: new owner subscriptions inherit them) or subscriptions. */
const scope = z
  .string()
  .regex(
    /^\/(providers\/Microsoft\.Management\/managementGroups\/[\w.()-]{1,90}|subscriptions\/[0-9a-f-]{36})$/i,
    "expected /providers/Microsoft.Management/managementGroups/<id> or /subscriptions/<guid>",
  )
  .refine(notPlaceholder, "replace the placeholder");

export const bootstrapConfigSchema = z.strictObject({
  /** owner/name of the GitHub repository whose workflows log in. */
  repository: z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, "expected <owner>/<repository>"),
  tenantId: guid,
  /** The platform subscription that holds the state, the key and the identities. */
  subscriptionId: guid,
  location: z.string().regex(/^[a-z0-9]+$/, "expected an Azure region name such as norwayeast"),
  resourceGroupName: z.string().regex(/^[\w.()-]{1,90}$/, "expected a resource group name"),
  stateStorageAccountName: z.string().regex(/^[a-z0-9]{3,24}$/, "3-24 lower-case letters and digits"),
  stateContainerName: z
    .string()
    .regex(/^[a-z0-9](-?[a-z0-9]){2,62}$/, "3-63 lower-case letters, digits and single dashes"),
  keyVaultName: z.string().regex(/^[a-zA-Z](-?[a-zA-Z0-9]){2,23}$/, "3-24 letters, digits and single dashes"),
  secretsKeyName: z.string().regex(/^[a-zA-Z0-9-]{1,127}$/, "letters, digits and dashes"),
  ownerScopes: z.strictObject({ tt02: z.array(scope).min(1), prod: z.array(scope).min(1) }),
});
export type BootstrapConfig = z.infer<typeof bootstrapConfigSchema>;

/** The project's own namespace (Pulumi.yaml `name`), as `new pulumi.Config()` reads it. */
export const CONFIG_NAMESPACE = "altinn-apps-bootstrap";

/**
 * The stack's settings, validated: every problem at once, each naming its key as it is written in
 * Pulumi.<stack>.yaml. `read` returns a key's value (objects already parsed), undefined when it is not set.
 */
export function parseBootstrapConfig(read: (key: string) => unknown, stackFile: string): BootstrapConfig {
  const raw = Object.fromEntries(Object.keys(bootstrapConfigSchema.shape).map((key) => [key, read(key)]));
  const result = bootstrapConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const [key, ...rest] = issue.path.map(String);
    const field = [`${CONFIG_NAMESPACE}:${key ?? ""}`, ...rest].join(".");
    return `${stackFile}: ${field}: ${issue.code === "invalid_type" && raw[key ?? ""] === undefined ? "required" : issue.message}`;
  });
  throw new Error(`invalid bootstrap settings:\n${problems.join("\n")}`);
}
