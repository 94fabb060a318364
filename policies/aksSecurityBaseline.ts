import { ManagedCluster } from "@pulumi/azure-native/containerservice";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";

const NODE_OS_CHANNELS = new Set(["NodeImage", "SecurityPatch"]);

/** The AKS controls Microsoft's built-in Azure Policy definitions audit that are not optional in this platform. */
export const aksSecurityBaseline: ResourceValidationPolicy = {
  name: "aks-security-baseline",
  description:
    "AKS clusters run the Azure Policy add-on, Defender, Image Cleaner and node OS auto-upgrade, with command invoke disabled.",
  enforcementLevel: "mandatory",
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
