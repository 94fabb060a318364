import { Document, Pair, Scalar, YAMLMap } from "yaml";
import { z } from "zod";
import { readBoundedFile } from "../files/boundedFile";
import { ownerFilePath } from "../infra/model/fleet";
import { ORG_CODE, ORG_CODE_RULE } from "../infra/model/owner";
import { freeText } from "../infra/model/schema";
import { OWNER_SCHEMA_COMMENT } from "./ownerSchema";

/** Altinn's public registry of service owners (altinn-orgs.json). */
export const DEFAULT_ORG_REGISTRY = "https://altinncdn.no/orgs/altinn-orgs.json";

/**
 * A copy of Altinn's registry this repository ships (its tests use it): what to pass as `--registry` without network.
 * Repository-relative; a test checks that it exists and is usable.
 */
export const SHIPPED_ORG_REGISTRY = "test/fixtures/altinn-orgs.json";

/** Only the shape; each entry is checked when it is used, so one odd entry does not block every other owner. */
const orgRegistrySchema = z.object({ orgs: z.record(z.string(), z.unknown()) });
export type OrgRegistry = z.output<typeof orgRegistrySchema>;

/** What new-owner takes from a registry entry, checked like the owner file it becomes (other fields are ignored). */
const registryOrgSchema = z.object({
  name: z.object({ en: freeText(), nb: freeText(), nn: freeText().optional() }),
  orgnr: z.string().regex(/^(\d{9})?$/, "must be 9 digits or empty"),
  environments: z.array(z.string()),
});
export type RegistryOrg = z.output<typeof registryOrgSchema>;

/** Read the registry from a local file or a URL. */
export async function readOrgRegistry(location: string): Promise<OrgRegistry> {
  const text = /^https?:\/\//.test(location) ? await fetchText(location) : readLocalFile(location);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${location} is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = orgRegistrySchema.safeParse(json);
  if (!parsed.success) throw new Error(`${location} is not an Altinn org registry: it has no "orgs" object`);
  return parsed.data;
}

function readLocalFile(location: string): string {
  const result = readBoundedFile(location);
  if ("problem" in result) throw new Error(`the registry file ${location} ${result.problem}`);
  if (result.text === undefined) throw new Error(`the registry file ${location} does not exist`);
  return result.text;
}

async function fetchText(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new Error(
      `could not fetch ${url} (${cause}); without network, use --registry <file>: this repository ships a copy, --registry ${SHIPPED_ORG_REGISTRY}`,
    );
  }
  if (!response.ok) {
    throw new Error(
      `could not fetch ${url}: HTTP ${response.status}; use --registry <file> (this repository ships a copy: ${SHIPPED_ORG_REGISTRY})`,
    );
  }
  return response.text();
}

/** The registry's entry for `org`, checked; undefined when the registry does not list it. */
export function registryEntry(registry: OrgRegistry, org: string): RegistryOrg | undefined {
  if (!Object.hasOwn(registry.orgs, org)) return undefined;
  const parsed = registryOrgSchema.safeParse(registry.orgs[org]);
  if (!parsed.success) {
    const details = parsed.error.issues.map(
      (issue) => `${[org, ...issue.path.map(String)].join(".")}: ${issue.message}`,
    );
    throw new Error(`the registry's entry for "${org}" is unusable: ${details.join("; ")}`);
  }
  return parsed.data;
}

function quoted(value: string): Scalar {
  const scalar = new Scalar(value);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

/**
 * An owner file from the registry entry, built as a YAML document (never as text), so no registry value can add a
 * key or a line. What only a person can supply (subscriptions, contact) is a marked placeholder that fails
 * validation, so a half-finished owner can never be merged.
 */
export function scaffoldOwnerFile(org: string, entry: RegistryOrg, requiredTermsVersion?: string): string {
  const environments = [
    ...(entry.environments.includes("tt02") ? ["tt02"] : []),
    ...(entry.environments.includes("production") ? ["prod"] : []),
  ];
  const document = new Document({});
  const root = document.contents as YAMLMap;
  root.set("org", org);
  const name = new YAMLMap();
  name.set("nb", quoted(entry.name.nb));
  if (entry.name.nn) name.set("nn", quoted(entry.name.nn));
  name.set("en", quoted(entry.name.en));
  root.set("name", name);
  if (entry.orgnr) root.set("orgNumber", quoted(entry.orgnr));
  else {
    const testOwner = new Scalar(true);
    testOwner.comment = " the registry lists no organisation number";
    root.set("testOwner", testOwner);
  }
  root.set("contact", "REPLACE-with-the-owner's-contact-e-mail");
  const environmentMap = new YAMLMap();
  for (const environment of environments) {
    const subscription = `REPLACE-with-the-id-of-Altinn-${org}-${environment === "prod" ? "Prod" : "Test"}`;
    environmentMap.set(environment, document.createNode({ subscriptionId: subscription }));
  }
  if (environments.length === 0) environmentMap.commentBefore = " the registry lists neither tt02 nor production";
  root.set("environments", environmentMap);
  const users = new Scalar("users");
  // Commented out, not data: only a recorded acceptance may pass the terms gate (prod-requires-accepted-terms).
  if (environments.includes("prod")) users.commentBefore = termsOfUseComment(requiredTermsVersion);
  root.add(new Pair(users, document.createNode([], { flow: true })));
  root.set("access", document.createNode([], { flow: true }));
  // The editor's schema hint must stay the file's first line.
  document.commentBefore =
    `${OWNER_SCHEMA_COMMENT.replace(/^#/, "")}\n` +
    " An Altinn service owner, scaffolded from Altinn's org registry by npm run new-owner.\n" +
    " Replace every REPLACE-… value, then run npm run validate. Users and access are added by later pull requests.";
  return document.toString({ lineWidth: 0 });
}

/** The `termsOfUse` block to fill in once the owner has accepted, as the comment lines of the scaffold. */
function termsOfUseComment(requiredTermsVersion: string | undefined): string {
  return [
    "termsOfUse: # required before the first prod deploy; uncomment and fill in once the owner has accepted",
    `  version: "${requiredTermsVersion ?? "the version in Pulumi.prod.yaml altinn-apps:termsOfUseVersion"}"`,
    "  acceptedAt: YYYY-MM-DD",
    "  acceptedBy: the person who accepted",
    "  reference: the link to the acceptance in Altinn's terms app (digdir/godkjenn-bruksvilkaar)",
    "  riskAssessment: true",
    "  privacyAssessment: true",
    "  dataProcessingAgreement: true",
    "  serviceLevelAgreement: true",
  ]
    .map((line) => ` ${line}`)
    .join("\n");
}

export function remainingSteps(org: string, entry: RegistryOrg): string[] {
  const production = entry.environments.includes("production");
  return [
    `Create (or find) the subscriptions Altinn-${org}-Test${production ? ` and Altinn-${org}-Prod` : ""} and put their ids in ${ownerFilePath(org)}.`,
    "Fill in the owner's contact e-mail.",
    "Register the owner's users (user@ai-dev.no) and their grants, in this or a later pull request.",
    ...(production
      ? [
          "Before the first prod deploy: the owner accepts the terms of use (digdir/godkjenn-bruksvilkaar); record it in the commented termsOfUse block. Until then the policy pack refuses every prod resource of this owner.",
        ]
      : []),
    "Run npm run validate and npm run plan, then open the pull request.",
    `After merge: the deploy creates ${org}-tt02${production ? ` and ${org}-prod (after the production reviewers approve)` : ""}; nothing to run by hand.`,
  ];
}

export function checkOrgCode(org: string): string | undefined {
  return ORG_CODE.test(org) ? undefined : `"${org}" is not an org code: ${ORG_CODE_RULE}`;
}
