import { ManagedCluster } from "@pulumi/azure-native/containerservice";
import { validateResourceOfType } from "@pulumi/policy";
import { allowListTextProblems } from "../infra/model/cidr";
import type { DocumentedPolicy } from "./documentedPolicy";

export const aksHardened: DocumentedPolicy = {
  name: "aks-hardened",
  description:
    "AKS clusters use Entra ID with Azure RBAC and no local accounts, OIDC and workload identity, an API server restricted to ranges no wider than /16 (never the internet, however split), and monitoring.",
  enforcementLevel: "mandatory",
  azurePolicyDefinitions: [
    "Azure Kubernetes Service Clusters should enable Azure Active Directory integration",
    "Azure Kubernetes Service Clusters should have local authentication methods disabled",
    "Azure Kubernetes Service Clusters should enable workload identity",
    "Authorized IP ranges should be defined on Kubernetes Services",
  ],
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
