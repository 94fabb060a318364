import type { DocumentedPolicy } from "./documentedPolicy";
import { identityFromStack } from "./stackIdentity";

/** What holds data or takes long to rebuild: deleting one in prod must take a deliberate unprotect first. */
const STATEFUL_TYPES = new Set([
  "azure-native:resources:ResourceGroup",
  "azure-native:containerservice:ManagedCluster",
  "azure-native:keyvault:Vault",
  "azure-native:operationalinsights:Workspace",
]);

export const prodStatefulProtected: DocumentedPolicy = {
  name: "prod-stateful-protected",
  description:
    "In prod, resource groups, clusters, key vaults and Log Analytics workspaces are protected from deletion.",
  enforcementLevel: "mandatory",
  azurePolicyDefinitions: [],
  validateResource: (args, reportViolation) => {
    if (!STATEFUL_TYPES.has(args.type)) return;
    const identity = identityFromStack(args.urn);
    if (identity.ok && identity.environment !== "prod") args.notApplicable("only prod resources must be protected");
    if (args.opts.protect !== true) {
      reportViolation(`${args.name} must have protect: true in prod, so removing an owner cannot destroy it`);
    }
  },
};
