import { z } from "zod";
import { ADOPTABLE_KINDS, type AdoptableKind } from "./resourceNames";
import { grantAccessShape } from "./access";
import { isoDateSchema } from "./dates";
import { clusterOverridesSchema } from "./environment";
import { networkOverridesSchema } from "./network";
import { isValidOrgNumber } from "./orgNumber";
import { environmentNameSchema, freeText, guidSchema, identifierText, ROLES } from "./schema";

/**
 * Max 8 so that the longest derived name, the Key Vault `<org>-tt02-apps-kv`, stays within Azure's 24 characters;
 * a letter first because a vault name must start with one (NAME_RULES.keyVault in infra/naming.ts).
 */
export const ORG_CODE = /^[a-z][a-z0-9]{1,7}$/;
export const ORG_CODE_RULE = "2-8 lower-case letters or digits, starting with a letter";

export { ROLES, type RoleName } from "./schema";

const upnSchema = z
  .string()
  .regex(/^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$/, "must be a lower-case user principal name like kari@ai-dev.no");

/** One optional entry per kind, strict: a misspelt kind is an unknown key with a suggestion, not ignored. */
const adoptSchema = z
  .object(
    Object.fromEntries(ADOPTABLE_KINDS.map((kind) => [kind, z.string().min(1).optional()])) as Record<
      AdoptableKind,
      z.ZodOptional<z.ZodString>
    >,
  )
  .strict();
export type Adoptions = z.output<typeof adoptSchema>;

const ownerEnvironmentSchema = z
  .object({
    subscriptionId: guidSchema,
    /** One of the environment layer's allowed regions; the layer's default when absent. */
    location: z.string().optional(),
    cluster: clusterOverridesSchema.optional(),
    /** This owner environment's own address ranges (from the platform's allocation), instead of the layer's. */
    network: networkOverridesSchema.optional(),
    /**
     * The day (UTC) of the deploy that recovers the soft-deleted Key Vault of the same name (`createMode: recover`)
     * instead of creating one: purge protection keeps a deleted vault's name taken for 90 days. Only that day's
     * deploys send `createMode: recover`: left set, it would be sent on every later update, and a recover restores
     * the vault's old network rules (docs/design/azure-decisions.md). Remove it afterwards.
     */
    recoverKeyVault: isoDateSchema.optional(),
    /**
     * What already exists in Azure and Entra ID and is to be adopted (Pulumi's `import`) instead of created: a kind
     * from ADOPTABLE (infra/naming.ts) → its Azure resource id, or an Entra group's object id. Checked against the
     * naming table and this environment's subscription (docs/operations/adopting-existing-resources.md).
     */
    adopt: adoptSchema.optional(),
  })
  .strict();

export const termsOfUseSchema = z
  .object({
    version: identifierText(freeText({ max: 50 })),
    acceptedAt: isoDateSchema,
    /** The person who accepted: a terms gate passed "by" an invisible name would be no acceptance at all. */
    acceptedBy: freeText({ person: true }),
    /** Where the acceptance is recorded in Altinn's terms app. */
    reference: freeText({ max: 500 }),
    riskAssessment: z.boolean(),
    privacyAssessment: z.boolean(),
    dataProcessingAgreement: z.boolean(),
    serviceLevelAgreement: z.boolean(),
  })
  .strict();
export type TermsOfUse = z.output<typeof termsOfUseSchema>;
export const TERMS_CONFIRMATIONS = [
  "riskAssessment",
  "privacyAssessment",
  "dataProcessingAgreement",
  "serviceLevelAgreement",
] as const satisfies readonly (keyof TermsOfUse)[];

const userSchema = z.object({ upn: upnSchema, name: freeText({ person: true }) }).strict();
export type RegisteredUser = z.output<typeof userSchema>;

const grantSchema = z
  .object({
    user: upnSchema,
    role: z.enum(ROLES),
    environment: environmentNameSchema,
    ticket: identifierText(freeText({ max: 100 })).optional(),
    expires: isoDateSchema.optional(),
    reason: freeText({ max: 500 }).optional(),
    ...grantAccessShape,
  })
  .strict();
export type Grant = z.output<typeof grantSchema>;

/** `stacks/<org>.yaml`: one Altinn service owner. The single definition of what an owner file may contain. */
export const ownerSchema = z
  .object({
    org: z.string().regex(ORG_CODE, `must be ${ORG_CODE_RULE}`),
    name: z.object({ nb: freeText(), en: freeText(), nn: freeText().optional() }).strict(),
    orgNumber: identifierText(
      z.string().refine(isValidOrgNumber, "must be 9 digits with a valid modulus-11 check digit"),
    ).optional(),
    testOwner: z.boolean().optional(),
    contact: z.email("must be an e-mail address"),
    environments: z
      .object({ tt02: ownerEnvironmentSchema.optional(), prod: ownerEnvironmentSchema.optional() })
      .strict()
      .refine((environments) => environments.tt02 ?? environments.prod, "must list tt02, prod or both"),
    termsOfUse: termsOfUseSchema.optional(),
    users: z.array(userSchema).default([]),
    access: z.array(grantSchema).default([]),
  })
  .strict()
  .superRefine((owner, context) => {
    if (owner.orgNumber === undefined && owner.testOwner !== true) {
      context.addIssue({
        code: "custom",
        path: ["orgNumber"],
        message: "required (only a test owner marked testOwner: true may omit it)",
      });
    }
  });
export type Owner = z.output<typeof ownerSchema>;
