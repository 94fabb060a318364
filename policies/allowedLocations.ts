import type { DocumentedPolicy } from "./documentedPolicy";
import { resolveRegistry } from "./registry";
import { identityFromStack, isTrackedAzureResource } from "./stackIdentity";

/** Private DNS zones and their network links are global resources: Azure accepts no region for them. */
const GLOBAL_TYPES = new Set(["azure-native:privatedns:PrivateZone", "azure-native:privatedns:VirtualNetworkLink"]);

export const allowedLocations: DocumentedPolicy = {
  name: "allowed-locations",
  description: "Azure resources (and the provider) use only the environment's allowed regions.",
  enforcementLevel: "mandatory",
  azurePolicyDefinitions: ["Allowed locations"],
  configSchema: { properties: { registry: { type: "object" } } },
  validateResource: (args, reportViolation) => {
    const isProvider = args.type === "pulumi:providers:azure-native";
    if (!isProvider && !isTrackedAzureResource(args.type)) return;
    const identity = identityFromStack(args.urn);
    if (!identity.ok) {
      reportViolation(identity.problem);
      return;
    }
    const result = resolveRegistry(args.getConfig<{ registry?: unknown }>());
    if ("error" in result) {
      reportViolation(`no allowed regions are known: ${result.error}`);
      return;
    }
    const allowed = GLOBAL_TYPES.has(args.type)
      ? ["global"]
      : (result.registry.allowedLocations[identity.environment] ?? []);
    const location = args.props["location"];
    if (typeof location !== "string") {
      reportViolation(`location must be set explicitly to one of: ${allowed.join(", ")}`);
    } else if (!allowed.includes(location)) {
      reportViolation(
        `location "${location}" is not allowed in ${identity.environment} (allowed: ${allowed.join(", ")})`,
      );
    }
  },
};
