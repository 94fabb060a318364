import { Vault } from "@pulumi/azure-native/keyvault";
import { PrivateDnsZoneGroup, PrivateEndpoint } from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { auditLogToWorkspace } from "./auditLog";
import type { EnvironmentContext } from "./context";

export interface KeyVaultArgs {
  readonly context: EnvironmentContext;
  readonly resourceGroupName: pulumi.Input<string>;
  /** Where the vault's audit log goes. */
  readonly workspaceId: pulumi.Input<string>;
}

/** The owner's app secrets: RBAC only (no access policies), undeletable for 90 days, closed to the internet by default. */
export class KeyVault extends pulumi.ComponentResource {
  readonly vault: Vault;
  readonly vaultUri: pulumi.Output<string>;

  constructor(
    name: string,
    { context, resourceGroupName, workspaceId }: KeyVaultArgs,
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
          enableSoftDelete: true,
          softDeleteRetentionInDays: 90,
          enablePurgeProtection: true,
          publicNetworkAccess: privateEndpoint ? "Disabled" : "Enabled",
          networkAcls: {
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: target.layer.keyVaultAllowedIpRanges.map((value) => ({ value })),
          },
        },
      },
      { parent: this, protect: context.protectStateful },
    );
    this.vaultUri = this.vault.properties.apply((properties) => properties.vaultUri);

    auditLogToWorkspace(names.keyVaultDiagnostics, this.vault.id, workspaceId, this);

    if (privateEndpoint) {
      const endpoint = new PrivateEndpoint(
        names.keyVaultPrivateEndpoint,
        {
          privateEndpointName: names.keyVaultPrivateEndpoint,
          resourceGroupName,
          location: target.location,
          tags,
          subnet: { id: privateEndpoint.subnetId },
          privateLinkServiceConnections: [
            { name: names.keyVaultPrivateEndpoint, privateLinkServiceId: this.vault.id, groupIds: ["vault"] },
          ],
        },
        { parent: this },
      );
      if (privateEndpoint.privateDnsZoneId) {
        new PrivateDnsZoneGroup(
          `${names.keyVaultPrivateEndpoint}-dns`,
          {
            privateDnsZoneGroupName: "default",
            privateEndpointName: endpoint.name,
            resourceGroupName,
            privateDnsZoneConfigs: [{ name: "vault", privateDnsZoneId: privateEndpoint.privateDnsZoneId }],
          },
          { parent: this },
        );
      }
    }

    this.registerOutputs({ vaultId: this.vault.id, vaultUri: this.vaultUri });
  }
}
