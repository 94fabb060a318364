import { UserAssignedIdentity } from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentContext } from "./context";

export interface IdentitiesArgs {
  readonly context: EnvironmentContext;
  readonly resourceGroupName: pulumi.Input<string>;
}

/**
 * The owner environment's managed identities: the cluster's control plane (it joins nodes to the owner's subnet,
 * so it must exist, with its role, before the cluster) and the owner's apps (workload identity: the cluster's
 * federated credential lets the apps' service account use it; it reads secrets and sends telemetry).
 */
export class Identities extends pulumi.ComponentResource {
  readonly cluster: UserAssignedIdentity;
  readonly apps: UserAssignedIdentity;

  constructor(name: string, { context, resourceGroupName }: IdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:apps:Identities", name, {}, opts);
    const { names, tags, target } = context;
    const identity = (identityName: string) =>
      new UserAssignedIdentity(
        identityName,
        { resourceName: identityName, resourceGroupName, location: target.location, tags },
        { parent: this },
      );
    this.cluster = identity(names.clusterIdentity);
    this.apps = identity(names.appIdentity);

    this.registerOutputs({ appsClientId: this.apps.clientId, appsPrincipalId: this.apps.principalId });
  }
}
