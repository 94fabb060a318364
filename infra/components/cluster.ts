import type * as inputs from "@pulumi/azure-native/types/input";
import { AgentPool, MaintenanceConfiguration, ManagedCluster } from "@pulumi/azure-native/containerservice";
import { FederatedIdentityCredential } from "@pulumi/azure-native/managedidentity";
import { DataCollectionRule, DataCollectionRuleAssociation } from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";
import type { WeeklyWindow } from "../model";
import { agentPoolName, containerInsightsRuleName } from "../naming";
import { logsToWorkspace } from "./auditLog";
import type { EnvironmentContext } from "./context";

type AgentPoolProfile = inputs.containerservice.ManagedClusterAgentPoolProfileArgs;

/** The only stream a Container Insights rule needs: inventory, performance, events and ContainerLogV2. */
const CONTAINER_INSIGHTS_STREAM = "Microsoft-ContainerInsights-Group-Default";
/** Workload identity's token exchange audience (Entra ID). */
const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

export interface ClusterArgs {
  readonly context: EnvironmentContext;
  readonly resourceGroupName: pulumi.Input<string>;
  /** The monitoring add-on and the control-plane logs write here. */
  readonly workspaceId: pulumi.Input<string>;
  /** Every pool's nodes join this subnet; its NAT gateway is the cluster's only way out. */
  readonly nodeSubnetId: pulumi.Input<string>;
  /** The control plane's identity, and its role assignments: AKS checks its rights on the subnet at creation. */
  readonly controlPlane: { readonly identityId: pulumi.Input<string>; readonly roles: readonly pulumi.Resource[] };
  /** The apps' identity: the cluster's OIDC issuer gets a federated credential on it for the apps' service account. */
  readonly appIdentity: { readonly name: pulumi.Input<string>; readonly resourceGroupName: pulumi.Input<string> };
}

/**
 * The owner's AKS cluster: Entra ID and Azure RBAC only, workload identity, Azure CNI overlay on the owner's node
 * subnet with NAT gateway egress, restricted API server; the apps' pool as its own resource; Container Insights that
 * collects; planned maintenance windows; control-plane audit logs.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly cluster: ManagedCluster;
  readonly appsPool: AgentPool;
  readonly oidcIssuerUrl: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:apps:Cluster", name, {}, opts);
    const { context, resourceGroupName, workspaceId, nodeSubnetId } = args;
    const { names, tags, target } = context;
    const { cluster: settings, layer } = target;

    const creation = (vmSize: string) => ({
      vmSize,
      availabilityZones: settings.availabilityZones,
      osSKU: "AzureLinux",
      enableEncryptionAtHost: settings.encryptionAtHost,
    });
    const pool = (vmSize: string) => ({
      type: "VirtualMachineScaleSets",
      osType: "Linux",
      ...creation(vmSize),
      availabilityZones: settings.availabilityZones.length > 0 ? settings.availabilityZones : undefined,
      vnetSubnetID: nodeSubnetId,
      enableAutoScaling: true,
      minCount: settings.minNodes,
      maxCount: settings.maxNodes,
      // Required on create; from then on the autoscaler owns it (see ignoreChanges).
      count: settings.minNodes,
      // Nodes are reached through Kubernetes, never by SSH.
      securityProfile: { sshAccess: "Disabled" },
    });
    const systemPool: AgentPoolProfile = {
      name: names.systemPool,
      mode: "System",
      ...pool(settings.systemPoolVmSize),
      // Apps never land on the system pool.
      nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"],
    };

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
        identity: { type: "UserAssigned", userAssignedIdentities: [args.controlPlane.identityId] },
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
          // Egress through the node subnet's NAT gateway: one known public range per owner. Fixed at creation.
          outboundType: "userAssignedNATGateway",
        },
        apiServerAccessProfile: {
          // Run command would bypass both the network restriction and Kubernetes RBAC.
          disableRunCommand: true,
          authorizedIPRanges: layer.apiServerAuthorizedIpRanges,
        },
        agentPoolProfiles: [systemPool],
        autoUpgradeProfile: { upgradeChannel: "patch", nodeOSUpgradeChannel: settings.nodeOsUpgradeChannel },
        addonProfiles: {
          omsagent: { enabled: true, config: { logAnalyticsWorkspaceResourceID: workspaceId, useAADAuth: "true" } },
          // The CSI driver mounts secrets with the apps' workload identity; its own node identity gets no role.
          azureKeyvaultSecretsProvider: { enabled: true, config: { enableSecretRotation: "true" } },
          // Enforces Azure Policy's in-cluster (Gatekeeper) definitions on the apps Altinn Studio deploys.
          azurepolicy: { enabled: true },
        },
      },
      {
        parent: this,
        protect: context.protectStateful,
        dependsOn: [...args.controlPlane.roles],
        // The inline (system) pool only creates the cluster: Azure refuses pool changes through the cluster ("use
        // per agent pool operations") and the autoscaler moves its count, so later runs leave it alone (Pulumi's
        // guidance for clusters with AgentPool resources; pulumi-azure-native issues 2719 and 579).
        ignoreChanges: ["agentPoolProfiles"],
      },
    );
    const clusterName = this.cluster.name;

    const appsCreation = { ...creation(settings.userPoolVmSize), subnet: target.network.nodeSubnet };
    this.appsPool = new AgentPool(
      `${names.managedCluster}-apps`,
      {
        resourceGroupName,
        resourceName: clusterName,
        agentPoolName: agentPoolName("apps", appsCreation),
        mode: "User",
        tags,
        ...pool(settings.userPoolVmSize),
      },
      {
        parent: this,
        // The autoscaler owns the node count between minCount and maxCount; resending it would be refused
        // ("Cannot manually scale AgentPool ... cluster autoscaler enabled") and refresh would report it as drift.
        ignoreChanges: ["count"],
      },
    );

    const ruleName = containerInsightsRuleName(target.location, names.managedCluster);
    const containerInsights = new DataCollectionRule(
      ruleName,
      {
        dataCollectionRuleName: ruleName,
        resourceGroupName,
        location: target.location,
        tags,
        kind: "Linux",
        dataSources: {
          extensions: [
            {
              name: "ContainerInsightsExtension",
              extensionName: "ContainerInsights",
              streams: [CONTAINER_INSIGHTS_STREAM],
              extensionSettings: {
                dataCollectionSettings: { interval: "1m", namespaceFilteringMode: "Off", enableContainerLogV2: true },
              },
            },
          ],
        },
        destinations: { logAnalytics: [{ name: "ciworkspace", workspaceResourceId: workspaceId }] },
        dataFlows: [{ streams: [CONTAINER_INSIGHTS_STREAM], destinations: ["ciworkspace"] }],
      },
      { parent: this },
    );
    // The monitoring add-on with managed-identity auth collects what the rule associated with the cluster says.
    new DataCollectionRuleAssociation(
      `${names.managedCluster}-container-insights`,
      {
        associationName: "ContainerInsightsExtension",
        resourceUri: this.cluster.id,
        dataCollectionRuleId: containerInsights.id,
        description: "Container Insights for the monitoring add-on (managed identity auth)",
      },
      { parent: this },
    );

    const maintenance = (configName: string, window: WeeklyWindow) =>
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
    maintenance("aksManagedAutoUpgradeSchedule", layer.maintenance.clusterUpgrade);
    maintenance("aksManagedNodeOSUpgradeSchedule", layer.maintenance.nodeOsUpgrade);

    // Who changed what through the API server, without every read (`kube-audit`), and Entra ID sign-ins (`guard`).
    logsToWorkspace(names.clusterDiagnostics, this.cluster.id, workspaceId, this, [
      { category: "kube-audit-admin", enabled: true },
      { category: "guard", enabled: true },
    ]);

    this.oidcIssuerUrl = this.cluster.oidcIssuerProfile.apply((profile) => {
      if (!profile?.issuerURL) throw new Error(`${names.managedCluster}: the cluster reported no OIDC issuer URL`);
      return profile.issuerURL;
    });
    const { namespace, name: serviceAccount } = layer.appServiceAccount;
    new FederatedIdentityCredential(
      names.appFederatedCredential,
      {
        federatedIdentityCredentialResourceName: names.appFederatedCredential,
        resourceName: args.appIdentity.name,
        resourceGroupName: args.appIdentity.resourceGroupName,
        issuer: this.oidcIssuerUrl,
        subject: `system:serviceaccount:${namespace}:${serviceAccount}`,
        audiences: [TOKEN_EXCHANGE_AUDIENCE],
      },
      { parent: this },
    );

    this.registerOutputs({ clusterId: this.cluster.id, oidcIssuerUrl: this.oidcIssuerUrl });
  }
}
