import { UserAssignedIdentity } from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";

export interface ControlPlaneIdentitySettings {
  readonly name: string;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface ControlPlaneIdentityArgs {
  readonly settings: ControlPlaneIdentitySettings;
  readonly resourceGroupName: pulumi.Input<string>;
}

/**
 * The cluster's control-plane identity: it joins nodes to the owner's subnet (and so to its NAT gateway), so it must
 * exist, with its roles, before the cluster.
 */
export class ControlPlaneIdentity extends pulumi.ComponentResource {
  readonly identity: UserAssignedIdentity;

  constructor(
    name: string,
    { settings, resourceGroupName }: ControlPlaneIdentityArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("altinn:apps:ControlPlaneIdentity", name, {}, opts);
    this.identity = new UserAssignedIdentity(
      settings.name,
      { resourceName: settings.name, resourceGroupName, location: settings.location, tags: settings.tags },
      { parent: this },
    );
    this.registerOutputs({ principalId: this.identity.principalId });
  }
}
