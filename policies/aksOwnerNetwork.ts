import type * as inputs from "@pulumi/azure-native/types/input";
import { AgentPool, ManagedCluster } from "@pulumi/azure-native/containerservice";
import { validateResourceOfType } from "@pulumi/policy";
import type * as pulumi from "@pulumi/pulumi";
import type { DocumentedPolicy } from "./documentedPolicy";

type PoolSettings = Pick<
  inputs.containerservice.ManagedClusterAgentPoolProfileArgs,
  "vnetSubnetID" | "enableNodePublicIP" | "securityProfile"
>;

/** What every pool, inline or its own resource, must have: the owner's subnet, no public IP per node, no SSH. */
function poolProblems(pool: pulumi.Unwrap<PoolSettings>, where: string): string[] {
  return [
    ...(pool.vnetSubnetID ? [] : [`${where}.vnetSubnetID must name the owner network's node subnet`]),
    ...(pool.enableNodePublicIP === true ? [`${where}.enableNodePublicIP must not be true`] : []),
    ...(pool.securityProfile?.sshAccess === "Disabled" ? [] : [`${where}.securityProfile.sshAccess must be Disabled`]),
  ];
}

/**
 * Nodes live in the owner network and leave it through its NAT gateway: one known egress address per owner,
 * and a node subnet the Key Vault firewall can admit.
 */
export const aksOwnerNetwork: DocumentedPolicy = {
  name: "aks-owner-network",
  description:
    "AKS clusters egress through the owner's NAT gateway; every node pool joins a subnet, with no node public IPs and no SSH.",
  enforcementLevel: "mandatory",
  azurePolicyDefinitions: ["Azure Kubernetes Clusters should disable SSH"],
  validateResource: [
    validateResourceOfType(ManagedCluster, (cluster, _args, reportViolation) => {
      const outboundType = cluster.networkProfile?.outboundType;
      if (outboundType !== "userAssignedNATGateway") {
        reportViolation(
          `networkProfile.outboundType must be "userAssignedNATGateway" (is ${JSON.stringify(outboundType)})`,
        );
      }
      for (const [index, pool] of (cluster.agentPoolProfiles ?? []).entries()) {
        for (const problem of poolProblems(pool, `agentPoolProfiles[${index}]`)) reportViolation(problem);
      }
    }),
    validateResourceOfType(AgentPool, (pool, _args, reportViolation) => {
      for (const problem of poolProblems(pool, "the pool")) reportViolation(problem);
    }),
  ],
};
