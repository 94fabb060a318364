import { RoleAssignment } from "@pulumi/azure-native/authorization";
import { Key, Vault } from "@pulumi/azure-native/keyvault";
import { FederatedIdentityCredential, UserAssignedIdentity } from "@pulumi/azure-native/managedidentity";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { ResourceGroup } from "@pulumi/azure-native/resources";
import { BlobContainer, BlobServiceProperties, StorageAccount } from "@pulumi/azure-native/storage";
import { AppRoleAssignment } from "@pulumi/azuread/appRoleAssignment";
import { getServicePrincipalOutput } from "@pulumi/azuread/getServicePrincipal";
import { Provider as EntraProvider } from "@pulumi/azuread/provider";
import * as pulumi from "@pulumi/pulumi";
import { roleAssignmentGuid } from "../infra/roles";
import type { BootstrapConfig } from "./config";
import {
  DEPLOY_IDENTITIES,
  federatedSubject,
  MICROSOFT_GRAPH_APP_ID,
  PLATFORM_ROLES,
  roleAssignmentCondition,
  type DeployIdentityName,
  type DeployIdentitySpec,
  type PlatformRole,
} from "./identities";

const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";
/** The audience azure/login requests (its `audience` input's default). */
const AZURE_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";
const SOFT_DELETE_DAYS = 30;

/** A role definition id in the form ARM returns for the scope: subscription-qualified below a subscription. */
function roleDefinitionIdFor(scope: string, role: PlatformRole): string {
  const subscription = /^\/subscriptions\/[^/]+/i.exec(scope)?.[0] ?? "";
  return `${subscription}/providers/Microsoft.Authorization/roleDefinitions/${PLATFORM_ROLES[role]}`;
}

interface StateBackendArgs {
  readonly config: BootstrapConfig;
  readonly resourceGroupName: pulumi.Input<string>;
}

/**
 * Where every stack's state and secrets live: a blob container (Entra ID only, no public blobs, TLS 1.2, versions
 * and soft delete to undo a bad write) and an RSA key in an RBAC vault that encrypts each stack's data key.
 */
export class StateBackend extends pulumi.ComponentResource {
  readonly containerId: pulumi.Output<string>;
  readonly keyId: pulumi.Output<string>;
  readonly backendUrl: pulumi.Output<string>;
  readonly secretsProvider: pulumi.Output<string>;

  constructor(name: string, { config, resourceGroupName }: StateBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:bootstrap:StateBackend", name, {}, opts);
    const stateful = { parent: this, protect: true };

    const account = new StorageAccount(
      config.stateStorageAccountName,
      {
        accountName: config.stateStorageAccountName,
        resourceGroupName,
        location: config.location,
        kind: "StorageV2",
        sku: { name: "Standard_ZRS" },
        allowBlobPublicAccess: false,
        // Entra ID only: the backend reads `storage_account=` in its URL and authenticates with the Azure login.
        allowSharedKeyAccess: false,
        defaultToOAuthAuthentication: true,
        allowCrossTenantReplication: false,
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: "TLS1_2",
        // GitHub-hosted runners have no fixed addresses: access is by identity, not network.
        publicNetworkAccess: "Enabled",
      },
      stateful,
    );
    const blobService = new BlobServiceProperties(
      `${name}-blob-service`,
      {
        accountName: account.name,
        resourceGroupName,
        blobServicesName: "default",
        isVersioningEnabled: true,
        deleteRetentionPolicy: { enabled: true, days: SOFT_DELETE_DAYS },
        containerDeleteRetentionPolicy: { enabled: true, days: SOFT_DELETE_DAYS },
      },
      { parent: this },
    );
    const container = new BlobContainer(
      config.stateContainerName,
      { accountName: account.name, resourceGroupName, containerName: config.stateContainerName, publicAccess: "None" },
      { ...stateful, dependsOn: [blobService] },
    );

    const vault = new Vault(
      config.keyVaultName,
      {
        vaultName: config.keyVaultName,
        resourceGroupName,
        location: config.location,
        properties: {
          tenantId: config.tenantId,
          sku: { family: "A", name: "standard" },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: 90,
          enablePurgeProtection: true,
          publicNetworkAccess: "Enabled",
        },
      },
      stateful,
    );
    // Pulumi's azurekeyvault secrets provider encrypts and decrypts each stack's data key with this key.
    const key = new Key(
      config.secretsKeyName,
      {
        keyName: config.secretsKeyName,
        resourceGroupName,
        vaultName: vault.name,
        properties: { kty: "RSA", keySize: 3072, keyOps: ["encrypt", "decrypt"] },
      },
      stateful,
    );

    this.containerId = container.id;
    this.keyId = key.id;
    this.backendUrl = pulumi.interpolate`azblob://${container.name}?storage_account=${account.name}`;
    this.secretsProvider = pulumi.interpolate`azurekeyvault://${config.keyVaultName}.vault.azure.net/keys/${key.name}`;
    this.registerOutputs({ backendUrl: this.backendUrl, secretsProvider: this.secretsProvider });
  }
}

/** A permission's app role id on Microsoft Graph's service principal; a misspelt or retired name fails the run. */
export function graphAppRoleId(appRoleIds: Readonly<Record<string, string>>, permission: string): string {
  const id = appRoleIds[permission];
  if (!id) throw new Error(`Microsoft Graph has no application permission ${permission}`);
  return id;
}

interface DeployIdentityArgs {
  readonly spec: DeployIdentitySpec;
  readonly config: BootstrapConfig;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly stateContainerId: pulumi.Input<string>;
  readonly secretsKeyId: pulumi.Input<string>;
  readonly graphServicePrincipalId: pulumi.Input<string>;
  readonly graphAppRoleIds: pulumi.Input<Record<string, string>>;
  readonly entra: EntraProvider;
}

/** One user-assigned managed identity the workflows log in as, with exactly what its table row grants. */
export class DeployIdentity extends pulumi.ComponentResource {
  readonly clientId: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;

  constructor(name: string, args: DeployIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:bootstrap:DeployIdentity", name, {}, opts);
    const { spec, config, resourceGroupName } = args;
    const identity = new UserAssignedIdentity(
      name,
      { resourceName: name, resourceGroupName, location: config.location },
      { parent: this, protect: true },
    );

    // Azure refuses concurrent federated credential writes on one identity
    // (ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity): create them one after another.
    let previous: FederatedIdentityCredential | undefined;
    for (const environment of spec.githubEnvironments) {
      previous = new FederatedIdentityCredential(
        `${name}-github-${environment}`,
        {
          resourceName: identity.name,
          resourceGroupName,
          federatedIdentityCredentialResourceName: `github-${environment}`,
          issuer: GITHUB_OIDC_ISSUER,
          subject: federatedSubject(config.repository, environment),
          audiences: [AZURE_TOKEN_EXCHANGE_AUDIENCE],
        },
        { parent: this, dependsOn: previous ? [previous] : [] },
      );
    }

    const assign = (label: string, scope: pulumi.Input<string>, role: PlatformRole, condition?: string) =>
      new RoleAssignment(
        `${name}-${label}`,
        {
          roleAssignmentName: pulumi
            .all([scope, identity.principalId])
            .apply(([at, principal]) => roleAssignmentGuid(at, roleDefinitionIdFor(at, role), principal)),
          scope,
          roleDefinitionId: pulumi.output(scope).apply((at) => roleDefinitionIdFor(at, role)),
          principalId: identity.principalId,
          principalType: "ServicePrincipal",
          description: `altinn-apps ${spec.name}: ${role}`,
          ...(condition ? { condition, conditionVersion: "2.0" } : {}),
        },
        { parent: this },
      );

    assign("state", args.stateContainerId, spec.stateRole);
    assign("secrets-key", args.secretsKeyId, "Key Vault Crypto User");
    for (const environment of spec.ownerEnvironments) {
      config.ownerScopes[environment].forEach((scope, index) => {
        for (const role of spec.ownerRoles) {
          const condition = role === "Role Based Access Control Administrator" ? roleAssignmentCondition() : undefined;
          const slug = role.toLowerCase().replace(/[^a-z]+/g, "-");
          assign(`${environment}-${index}-${slug}`, scope, role, condition);
        }
      });
    }

    for (const permission of spec.graphPermissions) {
      new AppRoleAssignment(
        `${name}-graph-${permission}`,
        {
          principalObjectId: identity.principalId,
          resourceObjectId: args.graphServicePrincipalId,
          appRoleId: pulumi.output(args.graphAppRoleIds).apply((ids) => graphAppRoleId(ids, permission)),
        },
        { parent: this, provider: args.entra },
      );
    }

    this.clientId = identity.clientId;
    this.principalId = identity.principalId;
    this.registerOutputs({ clientId: this.clientId, principalId: this.principalId });
  }
}

export interface PlatformOutputs {
  /** Repository-level variables: the same for every workflow. */
  readonly repositoryVariables: pulumi.Output<Record<string, string>>;
  /** Per GitHub environment: the identity its jobs log in as. */
  readonly environmentVariables: pulumi.Output<Record<string, Record<string, string>>>;
  /** The deploy identities' object ids, to list in each layer's `groupOwnerObjectIds`. */
  readonly groupOwnerObjectIds: pulumi.Output<Record<string, string>>;
  /** The `gh` commands that set all of the above. */
  readonly setupCommands: pulumi.Output<string[]>;
}

const LAYER_OF: Readonly<Record<DeployIdentityName, string | undefined>> = {
  preview: undefined,
  tt02: "Pulumi.tt02.yaml",
  production: "Pulumi.prod.yaml",
};

/** The whole bootstrap: state backend, secrets key, the three identities and what the workflows need to know. */
export function definePlatform(config: BootstrapConfig): PlatformOutputs {
  const azure = new AzureProvider("platform", { subscriptionId: config.subscriptionId });
  const entra = new EntraProvider("platform-entra", { tenantId: config.tenantId });
  const group = new ResourceGroup(
    config.resourceGroupName,
    { resourceGroupName: config.resourceGroupName, location: config.location },
    { provider: azure, protect: true },
  );
  const backend = new StateBackend(
    "state",
    { config, resourceGroupName: group.name },
    { providers: { "azure-native": azure } },
  );
  const graph = getServicePrincipalOutput({ clientId: MICROSOFT_GRAPH_APP_ID }, { provider: entra });

  const identities = DEPLOY_IDENTITIES.map((spec) => ({
    spec,
    identity: new DeployIdentity(
      `altinn-apps-${spec.name}`,
      {
        spec,
        config,
        resourceGroupName: group.name,
        stateContainerId: backend.containerId,
        secretsKeyId: backend.keyId,
        graphServicePrincipalId: graph.objectId,
        graphAppRoleIds: graph.appRoleIds,
        entra,
      },
      { providers: { "azure-native": azure } },
    ),
  }));

  const repositoryVariables = pulumi
    .all([backend.backendUrl, backend.secretsProvider])
    .apply(([backendUrl, secretsProvider]): Record<string, string> => ({
      AZURE_TENANT_ID: config.tenantId,
      PULUMI_BACKEND_URL: backendUrl,
      PULUMI_SECRETS_PROVIDER: secretsProvider,
    }));
  const environmentVariables = pulumi
    .all(identities.map(({ spec, identity }) => identity.clientId.apply((id) => [spec, id] as const)))
    .apply((entries): Record<string, Record<string, string>> =>
      Object.fromEntries(
        entries.flatMap(([spec, clientId]) =>
          spec.githubEnvironments.map((environment) => [environment, { AZURE_CLIENT_ID: clientId }]),
        ),
      ),
    );
  const groupOwnerObjectIds = pulumi
    .all(identities.map(({ spec, identity }) => identity.principalId.apply((id) => [spec.name, id] as const)))
    .apply((entries): Record<string, string> =>
      Object.fromEntries(entries.flatMap(([name, id]) => (LAYER_OF[name] ? [[LAYER_OF[name], id]] : []))),
    );
  const setupCommands = pulumi
    .all([repositoryVariables, environmentVariables])
    .apply(([repository, environments]) => [
      ...Object.entries(repository).map(
        ([variable, value]) => `gh variable set ${variable} --repo ${config.repository} --body '${value}'`,
      ),
      ...Object.entries(environments).flatMap(([environment, variables]) =>
        Object.entries(variables).map(
          ([variable, value]) =>
            `gh variable set ${variable} --repo ${config.repository} --env ${environment} --body '${value}'`,
        ),
      ),
    ]);
  return { repositoryVariables, environmentVariables, groupOwnerObjectIds, setupCommands };
}
