import { RoleAssignment, RoleDefinition } from "@pulumi/azure-native/authorization";
import { Key, Vault } from "@pulumi/azure-native/keyvault";
import { FederatedIdentityCredential, UserAssignedIdentity } from "@pulumi/azure-native/managedidentity";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { ResourceGroup } from "@pulumi/azure-native/resources";
import { BlobContainer, BlobServiceProperties, StorageAccount } from "@pulumi/azure-native/storage";
import { AppRoleAssignment } from "@pulumi/azuread/appRoleAssignment";
import { getServicePrincipalOutput } from "@pulumi/azuread/getServicePrincipal";
import { Provider as EntraProvider } from "@pulumi/azuread/provider";
import * as pulumi from "@pulumi/pulumi";
import { nameBasedGuid } from "../infra/guid";
import { ENVIRONMENTS, type EnvironmentName } from "../infra/model/schema";
import { roleAssignmentGuid } from "../infra/roles";
import type { BootstrapConfig } from "./config";
import {
  deployIdentities,
  federatedSubject,
  githubEnvironments,
  MICROSOFT_GRAPH_APP_ID,
  PLAN_READER_ROLE,
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
function roleDefinitionIdFor(scope: string, roleGuid: string): string {
  const subscription = /^\/subscriptions\/[^/]+/i.exec(scope)?.[0] ?? "";
  return `${subscription}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}

/** The custom plan reader role's id in one environment: one definition per environment, assignable to its scopes. */
export function planReaderRoleGuid(config: Pick<BootstrapConfig, "tenantId">, environment: EnvironmentName): string {
  return nameBasedGuid("altinn-apps-plan-reader", config.tenantId, environment);
}

export const stateContainerName = (config: BootstrapConfig, environment: EnvironmentName) =>
  `${config.stateContainerPrefix}-${environment}`;
export const secretsKeyName = (config: BootstrapConfig, environment: EnvironmentName) =>
  `${config.secretsKeyPrefix}-${environment}`;

interface StateBackendArgs {
  readonly config: BootstrapConfig;
  readonly resourceGroupName: pulumi.Input<string>;
}

/** One environment's part of the backend: its container, its key, and the URLs its workflows use. */
export interface EnvironmentBackend {
  readonly containerId: pulumi.Output<string>;
  readonly keyId: pulumi.Output<string>;
  readonly backendUrl: pulumi.Output<string>;
  readonly secretsProvider: pulumi.Output<string>;
}

/**
 * Where the stacks' state and secrets live: per owner environment, a blob container (Entra ID only, no public blobs,
 * TLS 1.2, versions and soft delete to undo a bad write) and an RSA key in an RBAC vault that encrypts each stack's
 * data key. Roles are granted on the container and on the key (Azure RBAC scopes a role to one container and, in an
 * RBAC vault, to one key), so an identity of one environment can neither read the other's state nor decrypt its
 * secrets.
 */
export class StateBackend extends pulumi.ComponentResource {
  readonly environments: Readonly<Record<EnvironmentName, EnvironmentBackend>>;

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
    const perEnvironment = (environment: EnvironmentName): EnvironmentBackend => {
      const containerName = stateContainerName(config, environment);
      const container = new BlobContainer(
        containerName,
        { accountName: account.name, resourceGroupName, containerName, publicAccess: "None" },
        { ...stateful, dependsOn: [blobService] },
      );
      // Pulumi's azurekeyvault secrets provider encrypts and decrypts each stack's data key with this key.
      const keyName = secretsKeyName(config, environment);
      const key = new Key(
        keyName,
        {
          keyName,
          resourceGroupName,
          vaultName: vault.name,
          properties: { kty: "RSA", keySize: 3072, keyOps: ["encrypt", "decrypt"] },
        },
        stateful,
      );
      return {
        containerId: container.id,
        keyId: key.id,
        backendUrl: pulumi.interpolate`azblob://${container.name}?storage_account=${account.name}`,
        secretsProvider: pulumi.interpolate`azurekeyvault://${config.keyVaultName}.vault.azure.net/keys/${key.name}`,
      };
    };
    this.environments = { tt02: perEnvironment("tt02"), prod: perEnvironment("prod") };
    this.registerOutputs({
      backendUrls: { tt02: this.environments.tt02.backendUrl, prod: this.environments.prod.backendUrl },
    });
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
  readonly backend: EnvironmentBackend;
  /** The plan reader role's definition id in this identity's environment. */
  readonly planReaderRoleGuid: pulumi.Input<string>;
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
        `${name}-github-${environment.name}`,
        {
          resourceName: identity.name,
          resourceGroupName,
          federatedIdentityCredentialResourceName: `github-${environment.name}`,
          issuer: GITHUB_OIDC_ISSUER,
          subject: federatedSubject(config, environment.name),
          audiences: [AZURE_TOKEN_EXCHANGE_AUDIENCE],
        },
        { parent: this, dependsOn: previous ? [previous] : [] },
      );
    }

    const roleGuid = (role: PlatformRole): pulumi.Input<string> =>
      role === PLAN_READER_ROLE.name ? args.planReaderRoleGuid : PLATFORM_ROLES[role];
    const assign = (label: string, scope: pulumi.Input<string>, role: PlatformRole, condition?: string) =>
      new RoleAssignment(
        `${name}-${label}`,
        {
          roleAssignmentName: pulumi
            .all([scope, identity.principalId, roleGuid(role)])
            .apply(([at, principal, guid]) => roleAssignmentGuid(at, roleDefinitionIdFor(at, guid), principal)),
          scope,
          roleDefinitionId: pulumi.all([scope, roleGuid(role)]).apply(([at, guid]) => roleDefinitionIdFor(at, guid)),
          principalId: identity.principalId,
          principalType: "ServicePrincipal",
          description: `altinn-apps ${spec.name}: ${role}`,
          ...(condition ? { condition, conditionVersion: "2.0" } : {}),
        },
        { parent: this },
      );

    assign("state", args.backend.containerId, spec.stateRole);
    assign("secrets-key", args.backend.keyId, "Key Vault Crypto User");
    config.ownerScopes[spec.environment].forEach((scope, index) => {
      for (const role of spec.ownerRoles) {
        const condition = role === "Role Based Access Control Administrator" ? roleAssignmentCondition() : undefined;
        const slug = role.toLowerCase().replace(/[^a-z]+/g, "-");
        assign(`${spec.environment}-${index}-${slug}`, scope, role, condition);
      }
    });

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
  /** Per GitHub environment: the identity its jobs log in as, and its owner environment's backend and key. */
  readonly environmentVariables: pulumi.Output<Record<string, Record<string, string>>>;
  /** Per GitHub environment: the protection GitHub must enforce (deployment branches, required reviewers). */
  readonly environmentProtection: Record<string, { branches: string; reviewers: string }>;
  /** The deploy identities' object ids, to list in each layer's `groupOwnerObjectIds`. */
  readonly groupOwnerObjectIds: pulumi.Output<Record<string, string>>;
  /** The `gh` commands that set the variables. */
  readonly setupCommands: pulumi.Output<string[]>;
}

const LAYER_OF: Readonly<Record<DeployIdentityName, string | undefined>> = {
  "preview-tt02": undefined,
  "drift-tt02": undefined,
  "preview-prod": undefined,
  "drift-prod": undefined,
  tt02: "Pulumi.tt02.yaml",
  production: "Pulumi.prod.yaml",
};

/**
 * The plan reader role, defined once per owner environment at its first scope and assignable to all of its scopes
 * (a custom role's assignableScopes may list management groups and subscriptions).
 */
function planReaderRole(
  config: BootstrapConfig,
  environment: EnvironmentName,
  provider: AzureProvider,
): RoleDefinition {
  const scopes = config.ownerScopes[environment];
  const roleGuid = planReaderRoleGuid(config, environment);
  return new RoleDefinition(
    `plan-reader-${environment}`,
    {
      roleDefinitionId: roleGuid,
      roleName: `${PLAN_READER_ROLE.name} (${environment})`,
      description: "Reads resource settings for pulumi preview and drift checks, without the data of the owners' logs.",
      roleType: "CustomRole",
      scope: scopes[0] ?? "",
      assignableScopes: [...scopes],
      permissions: [{ actions: [...PLAN_READER_ROLE.actions], notActions: [...PLAN_READER_ROLE.notActions] }],
    },
    { provider, protect: true },
  );
}

/** The whole bootstrap: state backend and secrets keys per environment, the identities and what the workflows need. */
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
  const readerRoles = Object.fromEntries(
    ENVIRONMENTS.map((environment) => [environment, planReaderRole(config, environment, azure)]),
  ) as Record<EnvironmentName, RoleDefinition>;

  const identities = deployIdentities(config).map((spec) => ({
    spec,
    identity: new DeployIdentity(
      `altinn-apps-${spec.name}`,
      {
        spec,
        config,
        resourceGroupName: group.name,
        backend: backend.environments[spec.environment],
        // The assignment waits for the definition: the name alone would race its creation.
        planReaderRoleGuid: readerRoles[spec.environment].name.apply(() =>
          planReaderRoleGuid(config, spec.environment),
        ),
        graphServicePrincipalId: graph.objectId,
        graphAppRoleIds: graph.appRoleIds,
        entra,
      },
      { providers: { "azure-native": azure } },
    ),
  }));

  const repositoryVariables = pulumi.output<Record<string, string>>({ AZURE_TENANT_ID: config.tenantId });
  const environmentVariables = pulumi
    .all(
      identities.map(({ spec, identity }) =>
        pulumi
          .all([
            identity.clientId,
            backend.environments[spec.environment].backendUrl,
            backend.environments[spec.environment].secretsProvider,
          ])
          .apply(
            ([clientId, backendUrl, secretsProvider]) =>
              [
                spec,
                { AZURE_CLIENT_ID: clientId, PULUMI_BACKEND_URL: backendUrl, PULUMI_SECRETS_PROVIDER: secretsProvider },
              ] as const,
          ),
      ),
    )
    .apply((entries): Record<string, Record<string, string>> =>
      Object.fromEntries(
        entries.flatMap(([spec, variables]) =>
          spec.githubEnvironments.map((environment) => [environment.name, variables]),
        ),
      ),
    );
  const environmentProtection = Object.fromEntries(
    githubEnvironments(config).map((environment) => [
      environment.name,
      { branches: environment.branches, reviewers: environment.reviewers ?? "none" },
    ]),
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
  return { repositoryVariables, environmentVariables, environmentProtection, groupOwnerObjectIds, setupCommands };
}
