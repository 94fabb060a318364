import { Vault } from "@pulumi/azure-native/keyvault";
import { PrivateDnsZoneGroup, PrivateEndpoint } from "@pulumi/azure-native/network";
import { PrivateZone, VirtualNetworkLink } from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceNames } from "../naming";
import { logsToWorkspace } from "./auditLog";

/** The zone Key Vault private endpoints resolve in (Azure public cloud). */
const KEY_VAULT_PRIVATE_DNS_ZONE = "privatelink.vaultcore.azure.net";

/** A central privatelink.vaultcore.azure.net zone, by the parts of its resource id. */
export interface CentralDnsZone {
  readonly id: string;
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  readonly zoneName: string;
}

export interface KeyVaultSettings {
  readonly names: Pick<
    ResourceNames,
    "keyVault" | "keyVaultDiagnostics" | "keyVaultPrivateEndpoint" | "keyVaultDnsZoneLink"
  >;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Replacing a vault is impossible for 90 days anyway: purge protection keeps its global name. */
  readonly protect: boolean;
  readonly tenantId: string;
  readonly allowedIpRanges: readonly string[];
  /** Send `createMode: recover` (only on the day the owner file names, see OwnerEnvironment.recoverKeyVault). */
  readonly recover: boolean;
  readonly softDeleteRetentionInDays: number;
  /** Import id of an existing vault (adopt in the owner file). */
  readonly adopt: string | undefined;
  /** A private endpoint: in `subnetId` or the owner network's endpoint subnet; its record in `centralZone` or a zone of its own. */
  readonly privateEndpoint: { readonly subnetId?: string; readonly centralZone?: CentralDnsZone } | undefined;
}

export interface KeyVaultArgs {
  readonly settings: KeyVaultSettings;
  readonly resourceGroupName: pulumi.Input<string>;
  /** Where the vault's audit log goes: the platform workspace. */
  readonly auditWorkspaceId: pulumi.Input<string>;
  /** The owner network: its node subnet is admitted by the firewall; a private endpoint goes in its endpoint subnet. */
  readonly network: {
    readonly virtualNetworkId: pulumi.Input<string>;
    readonly nodeSubnetId: pulumi.Input<string>;
    readonly endpointSubnetId: pulumi.Input<string> | undefined;
  };
  /** The provider of the central zone's subscription, when it is not the owner's (the link lives beside the zone). */
  readonly centralZoneProvider?: pulumi.ProviderResource;
}

/** The owner's app secrets: RBAC only (no access policies), undeletable for 90 days, closed to the internet by default. */
export class KeyVault extends pulumi.ComponentResource {
  readonly vault: Vault;
  readonly vaultUri: pulumi.Output<string>;
  private readonly naming: Pick<KeyVaultSettings, "names" | "tags">;

  constructor(name: string, args: KeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:apps:KeyVault", name, {}, opts);
    const { settings, resourceGroupName, network } = args;
    const { names, location, tags, privateEndpoint } = settings;
    this.naming = { names, tags };

    this.vault = new Vault(
      names.keyVault,
      {
        vaultName: names.keyVault,
        resourceGroupName,
        location,
        tags,
        properties: {
          tenantId: settings.tenantId,
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
          // Creation fails without the list even with RBAC (pulumi-azure-native issue 1478); it stays empty.
          accessPolicies: [],
          ...(settings.recover ? { createMode: "recover" as const } : {}),
          enableSoftDelete: true,
          // Fixed at creation, and purge protection cannot be switched off once on (docs/design/azure-decisions.md).
          softDeleteRetentionInDays: settings.softDeleteRetentionInDays,
          enablePurgeProtection: true,
          publicNetworkAccess: privateEndpoint ? "Disabled" : "Enabled",
          networkAcls: {
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: settings.allowedIpRanges.map((value) => ({ value })),
            // AKS is not a trusted Azure service: the nodes (and so the apps' pods) come in through the node
            // subnet's Microsoft.KeyVault service endpoint. Key Vault stores the subnet id lower-cased (Azure/azure-cli
            // issue 10286, fixed for the CLI in PR 10365): sent as Azure returns it, a refresh finds no drift.
            virtualNetworkRules: [
              {
                id: pulumi.output(network.nodeSubnetId).apply((id) => id.toLowerCase()),
                ignoreMissingVnetServiceEndpoint: false,
              },
            ],
          },
        },
      },
      { parent: this, protect: settings.protect, ...(settings.adopt && { import: settings.adopt }) },
    );
    this.vaultUri = this.vault.properties.apply((properties) => properties.vaultUri);

    logsToWorkspace(names.keyVaultDiagnostics, this.vault.id, args.auditWorkspaceId, this);

    if (privateEndpoint) {
      const subnetId = privateEndpoint.subnetId ?? network.endpointSubnetId;
      if (subnetId === undefined) throw new Error(`${names.keyVault}: the private endpoint has no subnet`);
      const endpoint = new PrivateEndpoint(
        names.keyVaultPrivateEndpoint,
        {
          privateEndpointName: names.keyVaultPrivateEndpoint,
          resourceGroupName,
          location,
          tags,
          subnet: { id: subnetId },
          privateLinkServiceConnections: [
            { name: names.keyVaultPrivateEndpoint, privateLinkServiceId: this.vault.id, groupIds: ["vault"] },
          ],
        },
        { parent: this },
      );
      const zone = privateEndpoint.centralZone;
      const zoneId = zone
        ? this.linkCentralZone(zone, network.virtualNetworkId, args.centralZoneProvider)
        : this.ownZone(resourceGroupName, network.virtualNetworkId);
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

  private link(
    zoneName: pulumi.Input<string>,
    resourceGroupName: pulumi.Input<string>,
    virtualNetworkId: pulumi.Input<string>,
    provider?: pulumi.ProviderResource,
  ): VirtualNetworkLink {
    const { names, tags } = this.naming;
    return new VirtualNetworkLink(
      names.keyVaultDnsZoneLink,
      {
        virtualNetworkLinkName: names.keyVaultDnsZoneLink,
        privateZoneName: zoneName,
        resourceGroupName,
        location: "global",
        tags,
        virtualNetwork: { id: virtualNetworkId },
        registrationEnabled: false,
      },
      { parent: this, ...(provider && { provider }) },
    );
  }

  /**
   * A central zone resolves nothing for a network not linked to it: the nodes would get the vault's public address,
   * where public access is disabled. The link goes beside the zone, in its subscription (the deploy identity needs
   * Private DNS Zone Contributor on the zone), named for this owner environment so owners never collide.
   */
  private linkCentralZone(
    zone: CentralDnsZone,
    virtualNetworkId: pulumi.Input<string>,
    provider: pulumi.ProviderResource | undefined,
  ): string {
    this.link(zone.zoneName, zone.resourceGroupName, virtualNetworkId, provider);
    return zone.id;
  }

  /** Without a central zone, the owner gets its own, linked to its network, so the nodes resolve the endpoint. */
  private ownZone(
    resourceGroupName: pulumi.Input<string>,
    virtualNetworkId: pulumi.Input<string>,
  ): pulumi.Output<string> {
    const { names, tags } = this.naming;
    const zone = new PrivateZone(
      `${names.keyVault}-${KEY_VAULT_PRIVATE_DNS_ZONE}`,
      { privateZoneName: KEY_VAULT_PRIVATE_DNS_ZONE, resourceGroupName, location: "global", tags },
      { parent: this },
    );
    this.link(zone.name, resourceGroupName, virtualNetworkId);
    return zone.id;
  }
}
