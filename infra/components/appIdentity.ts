import { FederatedIdentityCredential, UserAssignedIdentity } from "@pulumi/azure-native/managedidentity";
import * as pulumi from "@pulumi/pulumi";

/** Workload identity's token exchange audience (Entra ID). */
const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

export interface AppIdentitySettings {
  readonly identityName: string;
  readonly credentialName: string;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The Kubernetes service account the apps run as: the only subject whose tokens are exchanged. */
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
}

export interface AppIdentityArgs {
  readonly settings: AppIdentitySettings;
  readonly resourceGroupName: pulumi.Input<string>;
  /** The cluster's OIDC issuer: the federated credential trusts the tokens it signs. */
  readonly oidcIssuerUrl: pulumi.Input<string>;
}

/**
 * The apps' managed identity (workload identity): the cluster's OIDC issuer gets a federated credential on it for the
 * apps' service account only. It reads secrets and sends telemetry (infra/roles.ts).
 */
export class AppIdentity extends pulumi.ComponentResource {
  readonly identity: UserAssignedIdentity;
  readonly credential: FederatedIdentityCredential;

  constructor(name: string, args: AppIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:apps:AppIdentity", name, {}, opts);
    const { settings, resourceGroupName } = args;
    this.identity = new UserAssignedIdentity(
      settings.identityName,
      { resourceName: settings.identityName, resourceGroupName, location: settings.location, tags: settings.tags },
      { parent: this },
    );
    const { namespace, name: serviceAccount } = settings.serviceAccount;
    this.credential = new FederatedIdentityCredential(
      settings.credentialName,
      {
        federatedIdentityCredentialResourceName: settings.credentialName,
        resourceName: this.identity.name,
        resourceGroupName,
        issuer: args.oidcIssuerUrl,
        subject: `system:serviceaccount:${namespace}:${serviceAccount}`,
        audiences: [TOKEN_EXCHANGE_AUDIENCE],
      },
      { parent: this },
    );
    this.registerOutputs({ clientId: this.identity.clientId, principalId: this.identity.principalId });
  }
}
