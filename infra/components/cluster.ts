import type * as inputs from "@pulumi/azure-native/types/input";
import { AgentPool, MaintenanceConfiguration, ManagedCluster } from "@pulumi/azure-native/containerservice";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceNames } from "../naming";
import { logsToWorkspace } from "./auditLog";

type AgentPoolProfile = inputs.containerservice.ManagedClusterAgentPoolProfileArgs;

/** What AKS fixes when it creates a pool's scale set, and the autoscaler's bounds. */
export interface PoolSettings {
  readonly name: string;
  readonly vmSize: string;
  readonly availabilityZones: readonly string[];
  readonly osSKU: string;
  readonly encryptionAtHost: boolean;
  readonly minNodes: number;
  readonly maxNodes: number;
}

/** One AKS planned-maintenance window, its offset already resolved (windowUtcOffset in infra/model/maintenance.ts). */
export interface MaintenanceWindowSettings {
  readonly dayOfWeek: string;
  readonly startTime: string;
  readonly durationHours: number;
  readonly utcOffset: string;
}

/**
 * The cluster's network profile. Everything here is fixed at creation (azure-native replaces the cluster on any
 * change, infra/changeRules.ts): set explicitly, so the plan shows it and an adopted cluster that differs shows up as
 * a difference in `pulumi preview` instead of a default nobody chose. CIDRs are AKS's documented overlay defaults.
 */
export interface ClusterNetworkProfile {
  readonly networkPlugin: string;
  readonly networkPluginMode: string;
  readonly networkDataplane: string;
  readonly networkPolicy: string;
  readonly podCidr: string;
  readonly serviceCidr: string;
  readonly dnsServiceIP: string;
  readonly loadBalancerSku: string;
  readonly outboundType: string;
}

export interface ClusterSettings {
  readonly names: Pick<
    ResourceNames,
    "managedCluster" | "dnsPrefix" | "clusterNodeResourceGroup" | "clusterDiagnostics"
  >;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Protected in tt02 too: a replaced cluster loses every app and its public address (docs/design/azure-decisions.md). */
  readonly protect: boolean;
  readonly tenantId: string;
  readonly adminGroupObjectIds: readonly string[];
  readonly kubernetesVersion: string;
  readonly skuTier: string;
  readonly nodeOsUpgradeChannel: string;
  /** The layer's ranges; the owner's own egress range is added (see Cluster). */
  readonly apiServerAuthorizedIpRanges: readonly string[];
  readonly network: ClusterNetworkProfile;
  readonly systemPool: PoolSettings;
  readonly appsPool: PoolSettings;
  readonly maintenance: {
    readonly clusterUpgrade: MaintenanceWindowSettings;
    readonly nodeOsUpgrade: MaintenanceWindowSettings;
  };
  /** Import id of an existing cluster (adopt in the owner file). */
  readonly adopt: string | undefined;
}

export interface ClusterArgs {
  readonly settings: ClusterSettings;
  readonly resourceGroupName: pulumi.Input<string>;
  /** The monitoring add-on writes container logs here (the application workspace). */
  readonly appWorkspaceId: pulumi.Input<string>;
  /** Defender and the control-plane audit write here (the platform workspace). */
  readonly platformWorkspaceId: pulumi.Input<string>;
  /** Every pool's nodes join this subnet; its NAT gateway is the cluster's only way out. */
  readonly nodeSubnetId: pulumi.Input<string>;
  /** The NAT gateway's public range: the nodes reach the API server from it. */
  readonly egressIpRange: pulumi.Input<string | undefined>;
  /** The control plane's identity, and its role assignments: AKS checks its rights on the subnet at creation. */
  readonly controlPlane: { readonly identityId: pulumi.Input<string>; readonly roles: readonly pulumi.Resource[] };
}

function poolArgs(pool: PoolSettings, nodeSubnetId: pulumi.Input<string>) {
  return {
    type: "VirtualMachineScaleSets",
    osType: "Linux",
    vmSize: pool.vmSize,
    availabilityZones: pool.availabilityZones.length > 0 ? [...pool.availabilityZones] : undefined,
    osSKU: pool.osSKU,
    enableEncryptionAtHost: pool.encryptionAtHost,
    vnetSubnetID: nodeSubnetId,
    enableAutoScaling: true,
    minCount: pool.minNodes,
    maxCount: pool.maxNodes,
    // Required on create; from then on the autoscaler owns it (see ignoreChanges).
    count: pool.minNodes,
    // Nodes are reached through Kubernetes, never by SSH.
    securityProfile: { sshAccess: "Disabled" },
  };
}

/**
 * The owner's AKS cluster: Entra ID and Azure RBAC only, workload identity, Azure CNI overlay on the owner's node
 * subnet with NAT gateway egress, an API server restricted to the layer's ranges and the owner's own egress; the apps'
 * pool as its own resource, on the cluster's Kubernetes version; planned maintenance windows; control-plane audit.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly cluster: ManagedCluster;
  readonly appsPool: AgentPool;
  readonly oidcIssuerUrl: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:apps:Cluster", name, {}, opts);
    const { settings, resourceGroupName, nodeSubnetId } = args;
    const { names } = settings;

    const systemPool: AgentPoolProfile = {
      name: settings.systemPool.name,
      mode: "System",
      ...poolArgs(settings.systemPool, nodeSubnetId),
      // Apps never land on the system pool.
      nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
    };

    // With outboundType userAssignedNATGateway the nodes reach the public API server from the NAT gateway's
    // addresses, which AKS does not admit by itself (it does so only for a load balancer's outbound IP): without
    // them nodes fail to join (MicrosoftDocs/azure-docs issues 111834 and 97437; jenkins-infra/azure PR 596).
    const authorizedIPRanges = pulumi
      .output(args.egressIpRange)
      .apply((egress) => [...settings.apiServerAuthorizedIpRanges, ...(egress ? [egress] : [])]);

    this.cluster = new ManagedCluster(
      names.managedCluster,
      {
        resourceName: names.managedCluster,
        resourceGroupName,
        location: settings.location,
        tags: settings.tags,
        dnsPrefix: names.dnsPrefix,
        nodeResourceGroup: names.clusterNodeResourceGroup,
        kubernetesVersion: settings.kubernetesVersion,
        sku: { name: "Base", tier: settings.skuTier },
        identity: { type: "UserAssigned", userAssignedIdentities: [args.controlPlane.identityId] },
        enableRBAC: true,
        aadProfile: {
          managed: true,
          enableAzureRBAC: true,
          tenantID: settings.tenantId,
          adminGroupObjectIDs: [...settings.adminGroupObjectIds],
        },
        disableLocalAccounts: true,
        oidcIssuerProfile: { enabled: true },
        securityProfile: {
          workloadIdentity: { enabled: true },
          imageCleaner: { enabled: true, intervalHours: 168 },
          // The platform workspace: Defender's publisher needs workspace keys (see Monitoring).
          defender: {
            logAnalyticsWorkspaceResourceId: args.platformWorkspaceId,
            securityMonitoring: { enabled: true },
          },
        },
        networkProfile: { ...settings.network },
        apiServerAccessProfile: {
          // Run command would bypass both the network restriction and Kubernetes RBAC.
          disableRunCommand: true,
          authorizedIPRanges,
        },
        agentPoolProfiles: [systemPool],
        autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: settings.nodeOsUpgradeChannel },
        addonProfiles: {
          omsagent: {
            enabled: true,
            config: { logAnalyticsWorkspaceResourceID: args.appWorkspaceId, useAADAuth: "true" },
          },
          // The CSI driver mounts secrets with the apps' workload identity; its own node identity gets no role.
          azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true" } },
          // Enforces Azure Policy's in-cluster (Gatekeeper) definitions on the apps Altinn Studio deploys.
          azurepolicy: { enabled: true },
        },
      },
      {
        parent: this,
        protect: settings.protect,
        dependsOn: [...args.controlPlane.roles],
        ...(settings.adopt && { import: settings.adopt }),
        // The inline (system) pool only creates the cluster: Azure refuses pool changes through the cluster ("use
        // per agent pool operations") and the autoscaler moves its count, so later runs leave it alone (Pulumi's
        // guidance for clusters with AgentPool resources; pulumi-azure-native issues 2719 and 579).
        ignoreChanges: ["agentPoolProfiles"],
      },
    );
    const clusterName = this.cluster.name;

    const apps = settings.appsPool;
    this.appsPool = new AgentPool(
      `${names.managedCluster}-apps`,
      {
        resourceGroupName,
        resourceName: clusterName,
        agentPoolName: apps.name,
        mode: "User",
        tags: settings.tags,
        // Without it a Kubernetes minor bump upgrades the control plane only, and the pool falls behind until AKS
        // refuses the next bump (pools may be at most three minors behind: learn.microsoft.com/azure/aks/upgrade-cluster).
        orchestratorVersion: settings.kubernetesVersion,
        ...poolArgs(apps, nodeSubnetId),
      },
      {
        parent: this,
        // The autoscaler owns the node count between minCount and maxCount; resending it would be refused
        // ("Cannot manually scale AgentPool ... cluster autoscaler enabled") and refresh would report it as drift.
        ignoreChanges: ["count"],
      },
    );

    const maintenance = (configName: string, window: MaintenanceWindowSettings) =>
      new MaintenanceConfiguration(
        `${names.managedCluster}-${configName}`,
        {
          configName,
          resourceGroupName,
          resourceName: clusterName,
          maintenanceWindow: {
            schedule: { weekly: { dayOfWeek: window.dayOfWeek, intervalWeeks: 1 } },
            startTime: window.startTime,
            durationHours: window.durationHours,
            utcOffset: window.utcOffset,
          },
        },
        { parent: this },
      );
    maintenance("aksManagedAutoUpgradeSchedule", settings.maintenance.clusterUpgrade);
    maintenance("aksManagedNodeOSUpgradeSchedule", settings.maintenance.nodeOsUpgrade);

    // Who changed what through the API server, without every read (`kube-audit`), and Entra ID sign-ins (`guard`):
    // to the platform workspace, which developers cannot read.
    logsToWorkspace(names.clusterDiagnostics, this.cluster.id, args.platformWorkspaceId, this, [
      { category: "kube-audit-admin", enabled: true },
      { category: "guard", enabled: true },
    ]);

    this.oidcIssuerUrl = this.cluster.oidcIssuerProfile.apply((profile) => {
      if (!profile?.issuerURL) throw new Error(`${names.managedCluster}: the cluster reported no OIDC issuer URL`);
      return profile.issuerURL;
    });

    this.registerOutputs({ clusterId: this.cluster.id, oidcIssuerUrl: this.oidcIssuerUrl });
  }
}
