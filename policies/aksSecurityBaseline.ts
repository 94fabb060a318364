import { ManagedCluster } from "@pulumi/azure-native/containerservice";
import { validateResourceOfType } from "@pulumi/policy";
import type { DocumentedPolicy } from "./documentedPolicy";

const NODE_OS_CHANNELS = new Set(["NodeImage", "SecurityPatch"]);

/** The AKS controls Microsoft's built-in Azure Policy definitions audit that are not optional in this platform. */
export const aksSecurityBaseline: DocumentedPolicy = {
  name: "aks-security-baseline",
  description:
    "AKS clusters run the Azure Policy add-on, Defender, Image Cleaner and node OS auto-upgrade, with command invoke disabled.",
  enforcementLevel: "mandatory",
  azurePolicyDefinitions: [
    "Azure Kubernetes Service Clusters should enable node os auto-upgrade",
    "Azure Policy Add-on for Kubernetes service (AKS) should be installed and enabled on your clusters",
    "[Preview]: Azure Kubernetes Service clusters should have Defender profile enabled",
    "Azure Kubernetes Service Clusters should disable Command Invoke",
    "Azure Kubernetes Service Clusters should enable Image Cleaner",
  ],
  validateResource: validateResourceOfType(ManagedCluster, (cluster, _args, reportViolation) => {
    if (cluster.addonProfiles?.["azurepolicy"]?.enabled !== true) {
      reportViolation("the Azure Policy add-on (addonProfiles.azurepolicy) must be enabled");
    }
    if (cluster.apiServerAccessProfile?.disableRunCommand !== true) {
      reportViolation("apiServerAccessProfile.disableRunCommand must be true");
    }
    if (cluster.securityProfile?.imageCleaner?.enabled !== true) {
      reportViolation("securityProfile.imageCleaner.enabled must be true");
    }
    const defender = cluster.securityProfile?.defender;
    if (defender?.securityMonitoring?.enabled !== true || !defender.logAnalyticsWorkspaceResourceId) {
      reportViolation(
        "securityProfile.defender must enable security monitoring into the owner's Log Analytics workspace",
      );
    }
    const channel = cluster.autoUpgradeProfile?.nodeOSUpgradeChannel;
    if (!NODE_OS_CHANNELS.has(String(channel))) {
      reportViolation(
        `autoUpgradeProfile.nodeOSUpgradeChannel must be NodeImage or SecurityPatch (is ${JSON.stringify(channel)})`,
      );
    }
  }),
};
