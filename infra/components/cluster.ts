import type * as inputs from "@pulumi/azure-native/types/input";
import { ManagedCluster } from "@pulumi/azure-native/containerservice";
import * as pulumi from "@pulumi/pulumi";
import { auditLogToWorkspace } from "./auditLog";
import type { EnvironmentContext } from "./context";

type AgentPoolProfile = inputs.containerservice.ManagedClusterAgentPoolProfileArgs;

export interface ClusterArgs {
  readonly context: EnvironmentContext;
  readonly resourceGroupName: pulumi.Input<string>;
  /** The monitoring add-on writes container logs and metrics here. */
  readonly workspaceId: pulumi.Input<string>;
}

/** The owner's AKS cluster: Entra ID and Azure RBAC only, workload identity, Azure CNI overlay, restricted API server. */
export class Cluster extends pulumi.ComponentResource {
  readonly cluster: ManagedCluster;
  readonly oidcIssuerUrl: pulumi.Output<string | undefined>;
  /** The identity of the Key Vault secrets provider (CSI driver) add-on, which reads the owner's secrets. */
  readonly keyVaultSecretsProviderObjectId: pulumi.Output<string>;

  constructor(
    name: string,
    { context, resourceGroupName, workspaceId }: ClusterArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("altinn:apps:Cluster", name, {}, opts);
    const { names, tags, target } = context;
    const { cluster: settings, layer } = target;

    const pool = (poolName: string, mode: "System" | "User", vmSize: string): AgentPoolProfile => ({
      name: poolName,
      mode,
      type: "VirtualMachineScaleSets",
      osType: "Linux",
      osSKU: "AzureLinux",
      vmSize,
      enableAutoScaling: true,
      minCount: settings.minNodes,
      maxCount: settings.maxNodes,
      count: settings.minNodes,
      availabilityZones: settings.availabilityZones.length > 0 ? settings.availabilityZones : undefined,
      enableEncryptionAtHost: settings.encryptionAtHost,
      // Nodes are reached through Kubernetes, never by SSH.
      securityProfile: { sshAccess: "Disabled" },
      // Apps never land on the system pool.
      nodeTaints: mode === "System" ? ["CriticalAddonsOnly=true:NoSchedule"] : undefined,
    });

    this.cluster = new ManagedCluster(
      names.managedCluster,
      {
        resourceName: names.managedCluster,
        resourceGroupName,
        location: target.location,
        tags,
        dnsPrefix: names.dnsPrefix,
        nodeResourceGroup: names.clusterNodeResourceGroup,
        kubernetesVersion: settings.kubernetesVersion,
        sku: { name: "Base", tier: settings.skuTier },
        identity: { type: "SystemAssigned" },
        enableRBAC: true,
        aadProfile: {
          managed: true,
          enableAzureRBAC: true,
          tenantID: layer.tenantId,
          adminGroupObjectIDs: [layer.platformAdminGroupObjectId],
        },
        disableLocalAccounts: true,
        oidcIssuerProfile: { enabled: true },
        securityProfile: {
          workloadIdentity: { enabled: true },
          imageCleaner: { enabled: true, intervalHours: 168 },
          defender: { logAnalyticsWorkspaceResourceId: workspaceId, securityMonitoring: { enabled: true } },
        },
        networkProfile: {
          networkPlugin: "azure",
          networkPluginMode: "overlay",
          networkDataplane: "cilium",
          networkPolicy: "cilium",
          loadBalancerSku: "standard",
        },
        apiServerAccessProfile: {
          // Run command would bypass both the network restriction and Kubernetes RBAC.
          disableRunCommand: true,
          ...(layer.apiServerAccess === "private"
            ? { enablePrivateCluster: true }
            : { authorizedIPRanges: layer.apiServerAuthorizedIpRanges }),
        },
        agentPoolProfiles: [
          pool(names.systemPool, "System", settings.systemPoolVmSize),
          pool(names.userPool, "User", settings.userPoolVmSize),
        ],
        autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: settings.nodeOsUpgradeChannel },
        addonProfiles: {
          omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: workspaceId, useAADAuth: "true" } },
          azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true" } },
          // Enforces Azure Policy's in-cluster (Gatekeeper) definitions on the apps Altinn Studio deploys.
          azurepolicy: { enabled: true },
        },
      },
      { parent: this, protect: context.protectStateful },
    );

    // The control plane's audit logs (who did what through the API server) go to the owner's workspace.
    auditLogToWorkspace(names.clusterDiagnostics, this.cluster.id, workspaceId, this);

    this.oidcIssuerUrl = this.cluster.oidcIssuerProfile.apply((profile) => profile?.issuerURL);
    this.keyVaultSecretsProviderObjectId = this.cluster.addonProfiles.apply((addons) => {
      const objectId = addons?.["azureKeyvaultSecretsProvider"]?.identity?.objectId;
      if (!objectId)
        throw new Error(`${names.managedCluster}: the Key Vault secrets provider add-on reported no identity`);
      return objectId;
    });

    this.registerOutputs({ clusterId: this.cluster.id, oidcIssuerUrl: this.oidcIssuerUrl });
  }
}
