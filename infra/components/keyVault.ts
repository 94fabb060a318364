import { Vault } from "@pulumi/azure-native/keyvault";
import { PrivateDnsZoneGroup, PrivateEndpoint } from "@pulumi/azure-native/network";
import { PrivateZone, VirtualNetworkLink } from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";
import { logsToWorkspace } from "./auditLog";
import type { EnvironmentContext } from "./context";

/** The zone Key Vault private endpoints resolve in (Azure public cloud). */
const KEY_VAULT_PRIVATE_DNS_ZONE = "privatelink.vaultcore.azure.net";

export interface KeyVaultArgs {
  readonly context: EnvironmentContext;
  readonly resourceGroupName: pulumi.Input<string>;
  /** Where the vault's audit log goes. */
  readonly workspaceId: pulumi.Input<string>;
  /** The owner network: its node subnet is admitted by the firewall; a private endpoint goes in its endpoint subnet. */
  readonly network: {
    readonly virtualNetworkId: pulumi.Input<string>;
    readonly nodeSubnetId: pulumi.Input<string>;
    readonly endpointSubnetId: pulumi.Input<string> | undefined;
  };
}

/** The owner's app secrets: RBAC only (no access policies), undeletable for 90 days, closed to the internet by default. */
export class KeyVault extends pulumi.ComponentResource {
  readonly vault: Vault;
  readonly vaultUri: pulumi.Output<string>;

  constructor(
    name: string,
    { context, resourceGroupName, workspaceId, network }: KeyVaultArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("altinn:apps:KeyVault", name, {}, opts);
    const { names, tags, target } = context;
    const privateEndpoint = target.layer.keyVaultPrivateEndpoint;

    this.vault = new Vault(
      names.keyVault,
      {
        vaultName: names.keyVault,
        resourceGroupName,
        location: target.location,
        tags,
        properties: {
          tenantId: target.layer.tenantId,
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
          // Creation fails without the list even with RBAC (pulumi-azure-native issue 1478); it stays empty.
          accessPolicies: [],
          // Purge protection keeps a deleted vault's name for 90 days: the owner file's recoverKeyVault brings it back.
          ...(target.recoverKeyVault ? { createMode: "recover" as const } : {}),
          enableSoftDelete: true,
          softDeleteRetentionInDays: 90,
          enablePurgeProtection: true,
          publicNetworkAccess: privateEndpoint ? "Disabled" : "Enabled",
          networkAcls: {
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: target.layer.keyVaultAllowedIpRanges.map((value) => ({ value })),
            // AKS is not a trusted Azure service: the nodes (and so the apps' pods) come in through the node
            // subnet's Microsoft.KeyVault service endpoint.
            virtualNetworkRules: [{ id: network.nodeSubnetId, ignoreMissingVnetServiceEndpoint: false }],
          },
        },
      },
      { parent: this, protect: context.protectStateful },
    );
    this.vaultUri = this.vault.properties.apply((properties) => properties.vaultUri);

    logsToWorkspace(names.keyVaultDiagnostics, this.vault.id, workspaceId, this);

    if (privateEndpoint) {
      const subnetId = privateEndpoint.subnetId ?? network.endpointSubnetId;
      if (subnetId === undefined) throw new Error(`${names.keyVault}: the private endpoint has no subnet`);
      const endpoint = new PrivateEndpoint(
        names.keyVaultPrivateEndpoint,
        {
          privateEndpointName: names.keyVaultPrivateEndpoint,
          resourceGroupName,
          location: target.location,
          tags,
          subnet: { id: subnetId },
          privateLinkServiceConnections: [
            { name: names.keyVaultPrivateEndpoint, privateLinkServiceId: this.vault.id, groupIds: ["vault"] },
          ],
        },
        { parent: this },
      );
      const zoneId = privateEndpoint.privateDnsZoneId ?? this.ownZone(context, resourceGroupName, network);
      new PrivateDnsZoneGroup(
        `${names.keyVaultPrivateEndpoint}-dns`,
        {
          privateDnsZoneGroupName: "default",
          privateEndpointName: endpoint.name,
          resourceGroupName,
          privateDnsZoneConfigs: [{ name: "vault", privateDnsZoneId: zoneId }],
        },
        { parent: this },
      );
    }

    this.registerOutputs({ vaultId: this.vault.id, vaultUri: this.vaultUri });
  }

  /** Without a central zone, the owner gets its own, linked to its network, so the nodes resolve the endpoint. */
  private ownZone(
    { names, tags }: EnvironmentContext,
    resourceGroupName: pulumi.Input<string>,
    network: KeyVaultArgs["network"],
  ): pulumi.Output<string> {
    const zone = new PrivateZone(
      `${names.keyVault}-${KEY_VAULT_PRIVATE_DNS_ZONE}`,
      { privateZoneName: KEY_VAULT_PRIVATE_DNS_ZONE, resourceGroupName, location: "global", tags },
      { parent: this },
    );
    new VirtualNetworkLink(
      names.keyVaultDnsZoneLink,
      {
        virtualNetworkLinkName: names.keyVaultDnsZoneLink,
        privateZoneName: zone.name,
        resourceGroupName,
        location: "global",
        tags,
        virtualNetwork: { id: network.virtualNetworkId },
        registrationEnabled: false,
      },
      { parent: this },
    );
    return zone.id;
  }
}
