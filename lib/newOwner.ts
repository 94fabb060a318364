import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { ORG_CODE, ownerFilePath } from "../infra/model";
import { OWNER_SCHEMA_COMMENT } from "./ownerSchema";

/** Altinn's public registry of service owners (altinn-orgs.json). */
export const DEFAULT_ORG_REGISTRY = "https://altinncdn.no/orgs/altinn-orgs.json";

const orgRegistrySchema = z.object({
  orgs: z.record(
    z.string(),
    z.looseObject({
      name: z.looseObject({ en: z.string(), nb: z.string(), nn: z.string().optional() }),
      orgnr: z.string(),
      environments: z.array(z.string()),
    }),
  ),
});
export type OrgRegistry = z.output<typeof orgRegistrySchema>;
type RegistryOrg = OrgRegistry["orgs"][string];

/** Read the registry from a local file or a URL. */
export async function readOrgRegistry(location: string): Promise<OrgRegistry> {
  const text = existsSync(location) ? readFileSync(location, "utf8") : await fetchText(location);
  const parsed = orgRegistrySchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(`${location} is not an Altinn org registry: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status}`);
  return response.text();
}

const quote = (text: string) => JSON.stringify(text);

/**
 * An owner file from the registry entry. What only a person can supply (subscriptions, contact) is a marked
 * placeholder that fails validation, so a half-finished owner can never be merged.
 */
export function scaffoldOwnerFile(org: string, entry: RegistryOrg): string {
  const environments = [
    ...(entry.environments.includes("tt02") ? ["tt02"] : []),
    ...(entry.environments.includes("production") ? ["prod"] : []),
  ];
  const lines = [
    OWNER_SCHEMA_COMMENT,
    `# Altinn service owner ${entry.name.en}, scaffolded from Altinn's org registry by npm run new-owner.`,
    "# Replace every REPLACE-… value, then run npm run validate. Users and access are added by later pull requests.",
    `org: ${org}`,
    "name:",
    `  nb: ${quote(entry.name.nb)}`,
    ...(entry.name.nn ? [`  nn: ${quote(entry.name.nn)}`] : []),
    `  en: ${quote(entry.name.en)}`,
    ...(entry.orgnr
      ? [`orgNumber: "${entry.orgnr}"`]
      : ["testOwner: true # the registry lists no organisation number"]),
    "contact: REPLACE-with-the-owner's-contact-e-mail",
    "environments:",
    ...(environments.length > 0 ? [] : ["  # the registry lists neither tt02 nor production for this org"]),
    ...environments.flatMap((environment) => [
      `  ${environment}:`,
      `    subscriptionId: REPLACE-with-the-id-of-Altinn-${org}-${environment === "prod" ? "Prod" : "Test"}`,
    ]),
    "users: []",
    "access: []",
  ];
  return `${lines.join("\n")}\n`;
}

export function remainingSteps(org: string, entry: RegistryOrg): string[] {
  const production = entry.environments.includes("production");
  return [
    `Create (or find) the subscriptions Altinn-${org}-Test${production ? ` and Altinn-${org}-Prod` : ""} and put their ids in ${ownerFilePath(org)}.`,
    "Fill in the owner's contact e-mail.",
    "Register the owner's users (user@ai-dev.no) and their grants, in this or a later pull request.",
    ...(production
      ? [
          "Before the first prod deploy: the owner accepts the terms of use (digdir/godkjenn-bruksvilkaar); record it under termsOfUse.",
          "  Until then the policy pack refuses every prod resource of this owner.",
        ]
      : []),
    "Run npm run validate and npm run plan, then open the pull request.",
    `After merge: the deploy creates ${org}-tt02${production ? ` and ${org}-prod (after the production reviewers approve)` : ""}; nothing to run by hand.`,
  ];
}

export function checkOrgCode(org: string): string | undefined {
  return ORG_CODE.test(org) ? undefined : `"${org}" is not an org code: 2-8 lower-case letters or digits`;
}
