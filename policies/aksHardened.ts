import { ManagedCluster } from "@pulumi/azure-native/containerservice";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { allowListTextProblems } from "../infra/model";

export const aksHardened: ResourceValidationPolicy = {
  name: "aks-hardened",
  description:
    "AKS clusters use Entra ID with Azure RBAC and no local accounts, OIDC and workload identity, a restricted API server, and monitoring.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(ManagedCluster, (cluster, _args, reportViolation) => {
    const aad = cluster.aadProfile;
    if (aad?.managed !== true) reportViolation("aadProfile.managed must be true (Entra ID managed integration)");
    if (aad?.enableAzureRBAC !== true) reportViolation("aadProfile.enableAzureRBAC must be true");
    if (cluster.disableLocalAccounts !== true) reportViolation("disableLocalAccounts must be true");
    if (cluster.oidcIssuerProfile?.enabled !== true) reportViolation("oidcIssuerProfile.enabled must be true");
    if (cluster.securityProfile?.workloadIdentity?.enabled !== true) {
      reportViolation("securityProfile.workloadIdentity.enabled must be true");
    }
    const access = cluster.apiServerAccessProfile;
    const ranges = access?.authorizedIPRanges ?? [];
    if (access?.enablePrivateCluster !== true) {
      if (ranges.length === 0) {
        reportViolation(
          "the API server is public with no authorizedIPRanges: restrict it, or make the cluster private",
        );
      }
      for (const problem of allowListTextProblems(ranges)) {
        reportViolation(`apiServerAccessProfile.authorizedIPRanges: ${problem}`);
      }
    }
    if (cluster.addonProfiles?.["omsagent"]?.enabled !== true) {
      reportViolation("the monitoring add-on (addonProfiles.omsagent) must be enabled");
    }
  }),
};
