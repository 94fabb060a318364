import { z } from "zod";
import { appServiceAccountSchema } from "./appServiceAccount";
import { maintenanceSettingsSchema } from "./maintenance";
import { networkSettingsSchema } from "./network";
import { accessSettingsShape } from "./access";
import { allowListTextProblems, DEFAULT_WIDEST_PREFIX, ipv4RangeSchema } from "./cidr";
import { ENVIRONMENTS, environmentNameSchema, guidSchema, identifierText, type EnvironmentName } from "./schema";

const availabilityZoneSchema = identifierText(z.enum(["1", "2", "3"]));

/** Cluster settings: complete in an environment layer, any subset as an owner's override. */
export const clusterSettingsSchema = z
  .object({
    kubernetesVersion: identifierText(z.string().regex(/^1\.\d+(\.\d+)?$/, "must look like 1.33 or 1.33.2")),
    systemPoolVmSize: z.string().regex(/^Standard_[A-Za-z0-9_]+$/, "must be an Azure VM size like Standard_D4s_v5"),
    userPoolVmSize: z.string().regex(/^Standard_[A-Za-z0-9_]+$/, "must be an Azure VM size like Standard_D4s_v5"),
    minNodes: z.int().min(1).max(100),
    maxNodes: z.int().min(1).max(100),
    availabilityZones: z.array(availabilityZoneSchema).max(3),
    skuTier: z.enum(["Free", "Standard", "Premium"]),
    /** Node OS security updates; the cluster's own channel is always `patch`. */
    nodeOsUpgradeChannel: z.enum(["NodeImage", "SecurityPatch"]),
    /** Needs the subscription feature Microsoft.Compute/EncryptionAtHost registered (see README, Security baseline). */
    encryptionAtHost: z.boolean(),
  })
  .strict();
export type ClusterSettings = z.output<typeof clusterSettingsSchema>;
export const clusterOverridesSchema = clusterSettingsSchema.partial();
export type ClusterOverrides = z.output<typeof clusterOverridesSchema>;

const armIdSchema = (kind: string) =>
  z
    .string()
    .regex(
      /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/.+$/i,
      `must be the resource id of a ${kind}`,
    );

const publicNetworkAccessSchema = z.enum(["Enabled", "Disabled"]);

const CONFIG_NAMESPACE = "altinn-apps";

/** The settings every owner stack of one environment inherits, as the program and the policies use them. */
const environmentSettingsShape = {
  environment: environmentNameSchema,
  locations: z
    .object({
      allowed: z.array(z.string().regex(/^[a-z0-9]+$/, "must be an Azure region name")).min(1),
      default: z.string(),
    })
    .strict()
    .refine((locations) => locations.allowed.includes(locations.default), {
      message: "default must be one of the allowed regions",
      path: ["default"],
    }),
  tenantId: guidSchema,
  loginDomains: z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "must be a domain name")).min(1),
  appDnsBase: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "must be a DNS name"),
  termsOfUseVersion: identifierText(z.string().min(1)).optional(),
  cluster: clusterSettingsSchema,
  platformAdminGroupObjectId: guidSchema,
  groupOwnerObjectIds: z.array(guidSchema).min(1),
  logRetentionDays: z.int().min(30).max(730),
  keyVaultAllowedIpRanges: z.array(ipv4RangeSchema),
  /** The widest block (as a prefix length) the allow-lists may admit together; a layer may only narrow the default. */
  widestIpRangePrefix: z.int().min(DEFAULT_WIDEST_PREFIX).max(32).default(DEFAULT_WIDEST_PREFIX),
  /**
   * The API server is public, limited to these ranges (a documented exception to "private clusters should be
   * enabled": Altinn Studio's deploy agents run outside the owner network, and a private cluster cannot be made from
   * an existing one in place).
   */
  apiServerAuthorizedIpRanges: z
    .array(ipv4RangeSchema)
    .min(1, "must list at least one range: the API server is reachable only from these"),
  /**
   * Public network access to the Log Analytics workspace and Application Insights. Query stays Enabled while the
   * Developer role reads logs from the portal outside Azure; Disabled needs an Azure Monitor Private Link Scope.
   */
  monitoringPublicNetworkAccess: z
    .object({ ingestion: publicNetworkAccessSchema, query: publicNetworkAccessSchema })
    .strict(),
  /**
   * When set, the Key Vault gets a private endpoint and its public network access is disabled. The endpoint goes in
   * the owner network's endpoint subnet unless `subnetId` names another; its DNS record goes in `privateDnsZoneId`
   * (a central privatelink.vaultcore.azure.net zone) or else in a zone of the owner's own, linked to its network.
   */
  keyVaultPrivateEndpoint: z
    .object({
      subnetId: armIdSchema("subnet").optional(),
      privateDnsZoneId: armIdSchema("private DNS zone").optional(),
    })
    .strict()
    .optional(),
  network: networkSettingsSchema,
  maintenance: maintenanceSettingsSchema,
  appServiceAccount: appServiceAccountSchema,
  ...accessSettingsShape,
};

type SettingsShape = typeof environmentSettingsShape;
type NamespacedShape = { [K in keyof SettingsShape as `${typeof CONFIG_NAMESPACE}:${K & string}`]: SettingsShape[K] };

function namespaced(shape: SettingsShape): NamespacedShape {
  return Object.fromEntries(
    Object.entries(shape).map(([key, schema]) => [`${CONFIG_NAMESPACE}:${key}`, schema]),
  ) as NamespacedShape;
}

function stripNamespace(config: z.output<z.ZodObject<NamespacedShape>>): EnvironmentLayer {
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [key.slice(CONFIG_NAMESPACE.length + 1), value]),
  ) as EnvironmentLayer;
}

export type EnvironmentLayer = z.output<z.ZodObject<SettingsShape>>;

/** `Pulumi.<env>.yaml`: Pulumi's stack-config format, `config:` with `altinn-apps:` keys. */
export const environmentLayerFileSchema = z
  .object({ config: z.object(namespaced(environmentSettingsShape)).strict() })
  .strict()
  .superRefine(({ config }, context) => {
    const cluster = config[`${CONFIG_NAMESPACE}:cluster`];
    if (cluster.minNodes > cluster.maxNodes) {
      context.addIssue({
        code: "custom",
        path: ["config", `${CONFIG_NAMESPACE}:cluster`, "minNodes"],
        message: `minNodes (${cluster.minNodes}) must not exceed maxNodes (${cluster.maxNodes})`,
      });
    }
    for (const list of ["keyVaultAllowedIpRanges", "apiServerAuthorizedIpRanges"] as const) {
      const widest = config[`${CONFIG_NAMESPACE}:widestIpRangePrefix`];
      for (const message of allowListTextProblems(config[`${CONFIG_NAMESPACE}:${list}`], widest)) {
        context.addIssue({ code: "custom", path: ["config", `${CONFIG_NAMESPACE}:${list}`], message });
      }
    }
    if (config[`${CONFIG_NAMESPACE}:accessModel`] === "pim" && !config[`${CONFIG_NAMESPACE}:ticketSystem`]) {
      context.addIssue({
        code: "custom",
        path: ["config", `${CONFIG_NAMESPACE}:accessModel`],
        message:
          `pim requires ${CONFIG_NAMESPACE}:ticketSystem: PIM records a grant's ticket only with the system it ` +
          "belongs to (azuread: ticket_number requires ticket_system)",
      });
    }
    if (config[`${CONFIG_NAMESPACE}:environment`] === "prod" && !config[`${CONFIG_NAMESPACE}:termsOfUseVersion`]) {
      context.addIssue({
        code: "custom",
        path: ["config"],
        message: `prod requires ${CONFIG_NAMESPACE}:termsOfUseVersion: the terms every prod owner must have accepted`,
      });
    }
  })
  .transform(({ config }) => stripNamespace(config));

export function environmentLayerFileName(environment: EnvironmentName): string {
  return `Pulumi.${environment}.yaml`;
}

export { ENVIRONMENTS };
