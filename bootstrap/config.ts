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

/** A GitHub account or repository id: a positive integer, given as a number or a string of digits. */
const githubId = z
  .union([z.number().int().positive(), z.string().regex(/^[1-9][0-9]*$/, "expected a number")])
  .transform(String);

export const bootstrapConfigSchema = z.strictObject({
  /**
   * owner/name of the GitHub repository whose workflows log in, spelt exactly as GitHub spells it (the OIDC subject
   * carries GitHub's spelling, and Entra ID compares subjects case-sensitively).
   */
  repository: z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, "expected <owner>/<repository>"),
  /** The numeric ids GitHub's immutable subjects carry: `gh api repos/<owner>/<repo> --jq '.owner.id, .id'`. */
  repositoryOwnerId: githubId,
  repositoryId: githubId,
  /**
   * Which OIDC subject GitHub presents for this repository: `immutable` (repo:<owner>@<owner id>/<repo>@<repo id>:…,
   * the default for repositories created or renamed from 15 July 2026, or opted in) or `name` (repo:<owner>/<repo>:…).
   */
  subjectFormat: z.enum(["immutable", "name"]),
  /**
   * The tt02 layer's `altinn-apps:accessModel`. PIM for Groups needs tenant-wide write permissions, so with `pim` the
   * tt02 deploy identity holds them too and its `tt02` GitHub environment must require the production reviewers.
   */
  tt02AccessModel: z.enum(["pim", "membership"]),
  tenantId: guid,
  /** The platform subscription that holds the state, the key and the identities. */
  subscriptionId: guid,
  location: z.string().regex(/^[a-z0-9]+$/, "expected an Azure region name such as norwayeast"),
  resourceGroupName: z.string().regex(/^[\w.()-]{1,90}$/, "expected a resource group name"),
  stateStorageAccountName: z.string().regex(/^[a-z0-9]{3,24}$/, "3-24 lower-case letters and digits"),
  /** Each environment's container is `<stateContainerPrefix>-<env>` (pulumi-state-tt02, pulumi-state-prod). */
  stateContainerPrefix: z
    .string()
    .regex(/^[a-z0-9](-?[a-z0-9]){2,57}$/, "3-58 lower-case letters, digits and single dashes"),
  keyVaultName: z.string().regex(/^[a-zA-Z](-?[a-zA-Z0-9]){2,23}$/, "3-24 letters, digits and single dashes"),
  /** Each environment's secrets key is `<secretsKeyPrefix>-<env>`. */
  secretsKeyPrefix: z.string().regex(/^[a-zA-Z0-9-]{1,120}$/, "letters, digits and dashes"),
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
