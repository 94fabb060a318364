import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { RoleAssignment } from "@pulumi/azure-native/authorization";
import { Key, Vault } from "@pulumi/azure-native/keyvault";
import { FederatedIdentityCredential, UserAssignedIdentity } from "@pulumi/azure-native/managedidentity";
import { BlobContainer, BlobServiceProperties, StorageAccount } from "@pulumi/azure-native/storage";
import { AppRoleAssignment } from "@pulumi/azuread/appRoleAssignment";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { nameBasedGuid } from "../infra/guid";
import { AZURE_BUILT_IN_ROLES } from "../infra/roles";
import { REPO_ROOT } from "../repository/root";
import { parseBootstrapConfig, type BootstrapConfig } from "./config";
import { DEPLOY_IDENTITIES, GRAPH_PERMISSIONS, MICROSOFT_GRAPH_APP_ID, PLATFORM_ROLES } from "./identities";
import { definePlatform, graphAppRoleId, type PlatformOutputs } from "./platform";

const CONFIG: BootstrapConfig = {
  repository: "altinn/altinn-apps-infra",
  tenantId: "11111111-1111-1111-1111-111111111111",
  subscriptionId: "22222222-2222-2222-2222-222222222222",
  location: "norwayeast",
  resourceGroupName: "altinn-apps-platform-rg",
  stateStorageAccountName: "altinnappsstate",
  stateContainerName: "pulumi-state",
  keyVaultName: "altinn-apps-pulumi",
  secretsKeyName: "pulumi-state",
  ownerScopes: {
    tt02: ["/providers/Microsoft.Management/managementGroups/altinn-apps-test"],
    prod: [
      "/providers/Microsoft.Management/managementGroups/altinn-apps-prod",
      "/subscriptions/33333333-3333-3333-3333-333333333333",
    ],
  },
};
/** A resource class's type token (`azure-native:storage:StorageAccount`), read from the SDK class itself. */
const token = (resource: object): string => (resource as { __pulumiType: string }).__pulumiType;
const GRAPH_OBJECT_ID = "44444444-4444-4444-4444-444444444444";
const appRoleId = (permission: string) => nameBasedGuid("graph-app-role", permission);

interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly opts: pulumi.ResourceOptions;
}

/** Answers like Azure and Entra ID for what the bootstrap reads back: ids, client and principal ids, Graph's roles. */
class BootstrapMocks implements pulumi.runtime.Mocks {
  constructor(private readonly graphPermissions: readonly string[]) {}

  newResource({ type, name, inputs }: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
    const group = `/subscriptions/${CONFIG.subscriptionId}/resourceGroups/${String(inputs["resourceGroupName"])}`;
    const ids: Record<string, () => string> = {
      [token(StorageAccount)]: () =>
        `${group}/providers/Microsoft.Storage/storageAccounts/${String(inputs["accountName"])}`,
      [token(BlobContainer)]: () =>
        `${group}/providers/Microsoft.Storage/storageAccounts/${String(inputs["accountName"])}/blobServices/default/containers/${String(inputs["containerName"])}`,
      [token(Vault)]: () => `${group}/providers/Microsoft.KeyVault/vaults/${String(inputs["vaultName"])}`,
      [token(Key)]: () =>
        `${group}/providers/Microsoft.KeyVault/vaults/${String(inputs["vaultName"])}/keys/${String(inputs["keyName"])}`,
      [token(UserAssignedIdentity)]: () =>
        `${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${String(inputs["resourceName"])}`,
    };
    const id = ids[type]?.() ?? `${name}-id`;
    const identity =
      type === token(UserAssignedIdentity)
        ? { clientId: nameBasedGuid("client", name), principalId: nameBasedGuid("principal", name) }
        : {};
    const nameKeys: Record<string, string> = {
      [token(StorageAccount)]: "accountName",
      [token(BlobContainer)]: "containerName",
      [token(Vault)]: "vaultName",
      [token(Key)]: "keyName",
      [token(UserAssignedIdentity)]: "resourceName",
      "azure-native:resources:ResourceGroup": "resourceGroupName",
    };
    return { id, state: { ...inputs, ...identity, name: inputs[nameKeys[type] ?? ""] ?? name } };
  }

  call({ token, inputs }: pulumi.runtime.MockCallArgs): Record<string, unknown> {
    if (
      token === "azuread:index/getServicePrincipal:getServicePrincipal" &&
      inputs["clientId"] === MICROSOFT_GRAPH_APP_ID
    ) {
      return {
        objectId: GRAPH_OBJECT_ID,
        clientId: MICROSOFT_GRAPH_APP_ID,
        appRoleIds: Object.fromEntries(this.graphPermissions.map((permission) => [permission, appRoleId(permission)])),
      };
    }
    throw new Error(`no mock for the invoke ${token}`);
  }
}

const settle = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply(resolve));

async function bootstrap(
  graphPermissions: readonly string[] = [...GRAPH_PERMISSIONS.deploy, ...GRAPH_PERMISSIONS.read],
) {
  const registered: Registered[] = [];
  await pulumi.runtime.setMocks(new BootstrapMocks(graphPermissions), "altinn-apps-bootstrap", "platform", true);
  let outputs: PlatformOutputs | undefined;
  const failures: unknown[] = [];
  await pulumi.runtime
    .runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation(({ type, name, props, opts }) => {
        registered.push({ type, name, inputs: props, opts });
        return undefined;
      });
      outputs = definePlatform(CONFIG);
      return {};
    })
    .catch((error: unknown) => failures.push(error));
  await pulumi.runtime.disconnect().catch((error: unknown) => failures.push(error));
  const resolved = async (resource: Registered) => ({
    ...resource,
    inputs: (await settle(pulumi.output(resource.inputs))) as Record<string, unknown>,
  });
  return { resources: await Promise.all(registered.map(resolved)), outputs, failures };
}

describe("bootstrap under mocks", () => {
  let resources: Registered[];
  let outputs: PlatformOutputs;
  const ofType = (type: string) => resources.filter((resource) => resource.type === type);
  const underIdentity = (identity: string, type: string) =>
    ofType(type).filter((resource) => resource.name.startsWith(`altinn-apps-${identity}-`));

  beforeAll(async () => {
    const run = await bootstrap();
    expect(run.failures).toEqual([]);
    resources = run.resources;
    outputs = run.outputs as PlatformOutputs;
  });

  it("trusts exactly the environment subjects the workflows' jobs get, written one after another", () => {
    const credentials = ofType(token(FederatedIdentityCredential));
    expect(credentials.map((credential) => [credential.name, credential.inputs["subject"]])).toEqual([
      ["altinn-apps-preview-github-preview", "repo:altinn/altinn-apps-infra:environment:preview"],
      ["altinn-apps-preview-github-drift", "repo:altinn/altinn-apps-infra:environment:drift"],
      ["altinn-apps-tt02-github-tt02", "repo:altinn/altinn-apps-infra:environment:tt02"],
      ["altinn-apps-production-github-production", "repo:altinn/altinn-apps-infra:environment:production"],
    ]);
    for (const credential of credentials) {
      expect(credential.inputs).toMatchObject({
        issuer: "https://token.actions.githubusercontent.com",
        audiences: ["api://AzureADTokenExchange"],
      });
    }
    const [preview, drift] = credentials;
    expect(preview?.opts.dependsOn).toEqual([]);
    expect(drift?.opts.dependsOn).toHaveLength(1);
  });

  /** An identity's role assignments as "role @ scope". */
  const rolesOf = (identity: string) =>
    underIdentity(identity, token(RoleAssignment)).map((assignment) => {
      const roleId = String(assignment.inputs["roleDefinitionId"]).split("/").at(-1);
      const role = Object.entries(PLATFORM_ROLES).find(([, id]) => id === roleId)?.[0];
      return `${role} @ ${String(assignment.inputs["scope"]).replace(/^.*\/providers\//, "")}`;
    });

  it("gives the preview identity only reads: state, decrypt with the one key, Reader on both environments", () => {
    expect(rolesOf("preview")).toEqual([
      "Storage Blob Data Reader @ Microsoft.Storage/storageAccounts/altinnappsstate/blobServices/default/containers/pulumi-state",
      "Key Vault Crypto User @ Microsoft.KeyVault/vaults/altinn-apps-pulumi/keys/pulumi-state",
      "Reader @ Microsoft.Management/managementGroups/altinn-apps-test",
      "Reader @ Microsoft.Management/managementGroups/altinn-apps-prod",
      "Reader @ /subscriptions/33333333-3333-3333-3333-333333333333",
    ]);
  });

  it("gives each deploy identity write access to its own environment only", () => {
    expect(rolesOf("tt02")).toEqual([
      "Storage Blob Data Contributor @ Microsoft.Storage/storageAccounts/altinnappsstate/blobServices/default/containers/pulumi-state",
      "Key Vault Crypto User @ Microsoft.KeyVault/vaults/altinn-apps-pulumi/keys/pulumi-state",
      "Contributor @ Microsoft.Management/managementGroups/altinn-apps-test",
      "Role Based Access Control Administrator @ Microsoft.Management/managementGroups/altinn-apps-test",
    ]);
    expect(rolesOf("production").slice(2)).toEqual([
      "Contributor @ Microsoft.Management/managementGroups/altinn-apps-prod",
      "Role Based Access Control Administrator @ Microsoft.Management/managementGroups/altinn-apps-prod",
      "Contributor @ /subscriptions/33333333-3333-3333-3333-333333333333",
      "Role Based Access Control Administrator @ /subscriptions/33333333-3333-3333-3333-333333333333",
    ]);
  });

  it("lets the deploy identities grant only the program's roles, to groups and service principals", () => {
    const administrators = ofType(token(RoleAssignment)).filter((assignment) =>
      String(assignment.inputs["roleDefinitionId"]).endsWith(PLATFORM_ROLES["Role Based Access Control Administrator"]),
    );
    expect(administrators).toHaveLength(3);
    for (const { inputs } of administrators) {
      expect(inputs["conditionVersion"]).toBe("2.0");
      const condition = String(inputs["condition"]);
      for (const role of Object.values(AZURE_BUILT_IN_ROLES)) expect(condition).toContain(role);
      expect(condition).not.toContain(PLATFORM_ROLES.Contributor);
      expect(condition).toContain("ForAnyOfAnyValues:StringEqualsIgnoreCase {'Group', 'ServicePrincipal'}");
      expect(condition).toContain("ActionMatches{'Microsoft.Authorization/roleAssignments/write'}");
      expect(condition).toContain("ActionMatches{'Microsoft.Authorization/roleAssignments/delete'}");
    }
    for (const { inputs } of ofType(token(RoleAssignment))) {
      expect(inputs["principalType"]).toBe("ServicePrincipal");
      expect(inputs["roleAssignmentName"]).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      // Below a subscription, the role definition is subscription-qualified, as ARM returns it.
      const scope = String(inputs["scope"]);
      const subscription = /^\/subscriptions\/[^/]+/.exec(scope)?.[0] ?? "";
      expect(String(inputs["roleDefinitionId"]).startsWith(`${subscription}/providers/Microsoft.Authorization/`)).toBe(
        true,
      );
    }
  });

  it("grants Microsoft Graph application permissions from the table: writes for deploys, reads for preview", () => {
    const graphOf = (identity: string) =>
      underIdentity(identity, token(AppRoleAssignment)).map(({ inputs }) => {
        expect(inputs["resourceObjectId"]).toBe(GRAPH_OBJECT_ID);
        return Object.values([...GRAPH_PERMISSIONS.deploy, ...GRAPH_PERMISSIONS.read]).find(
          (permission) => appRoleId(permission) === inputs["appRoleId"],
        );
      });
    expect(graphOf("preview")).toEqual([...GRAPH_PERMISSIONS.read]);
    expect(
      graphOf("preview").every((permission) => !permission?.includes("Write") && !permission?.includes("Create")),
    ).toBe(true);
    expect(graphOf("tt02")).toEqual([...GRAPH_PERMISSIONS.deploy]);
    expect(graphOf("production")).toEqual([...GRAPH_PERMISSIONS.deploy]);
    expect(graphOf("production")).not.toContain("Group.ReadWrite.All");
  });

  it("names a Graph permission the tenant's Microsoft Graph does not publish", () => {
    expect(graphAppRoleId({ "Group.Create": "x" }, "Group.Create")).toBe("x");
    expect(() => graphAppRoleId({}, "Group.Create")).toThrow(
      "Microsoft Graph has no application permission Group.Create",
    );
  });

  it("hardens and protects the state and the secrets key", () => {
    const [account] = ofType(token(StorageAccount));
    expect(account?.inputs).toMatchObject({
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
      allowCrossTenantReplication: false,
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
    });
    expect(ofType(token(BlobServiceProperties))[0]?.inputs).toMatchObject({
      isVersioningEnabled: true,
      deleteRetentionPolicy: { enabled: true, days: 30 },
      containerDeleteRetentionPolicy: { enabled: true, days: 30 },
    });
    expect(ofType(token(BlobContainer))[0]?.inputs).toMatchObject({ publicAccess: "None" });
    expect(ofType(token(Vault))[0]?.inputs["properties"]).toMatchObject({
      enableRbacAuthorization: true,
      enablePurgeProtection: true,
      softDeleteRetentionInDays: 90,
    });
    expect(ofType(token(Key))[0]?.inputs["properties"]).toEqual({
      kty: "RSA",
      keySize: 3072,
      keyOps: ["encrypt", "decrypt"],
    });
    for (const type of [StorageAccount, BlobContainer, Vault, Key, UserAssignedIdentity]) {
      const instances = ofType(token(type));
      expect(instances.length).toBeGreaterThan(0);
      for (const instance of instances) expect(instance.opts.protect, instance.name).toBe(true);
    }
  });

  it("prints the variables to set and the gh commands that set them", async () => {
    const previewClient = nameBasedGuid("client", "altinn-apps-preview");
    expect(await settle(outputs.repositoryVariables)).toEqual({
      AZURE_TENANT_ID: CONFIG.tenantId,
      PULUMI_BACKEND_URL: "azblob://pulumi-state?storage_account=altinnappsstate",
      PULUMI_SECRETS_PROVIDER: "azurekeyvault://altinn-apps-pulumi.vault.azure.net/keys/pulumi-state",
    });
    expect(await settle(outputs.environmentVariables)).toEqual({
      preview: { AZURE_CLIENT_ID: previewClient },
      drift: { AZURE_CLIENT_ID: previewClient },
      tt02: { AZURE_CLIENT_ID: nameBasedGuid("client", "altinn-apps-tt02") },
      production: { AZURE_CLIENT_ID: nameBasedGuid("client", "altinn-apps-production") },
    });
    expect(await settle(outputs.groupOwnerObjectIds)).toEqual({
      "Pulumi.tt02.yaml": nameBasedGuid("principal", "altinn-apps-tt02"),
      "Pulumi.prod.yaml": nameBasedGuid("principal", "altinn-apps-production"),
    });
    const commands = await settle(outputs.setupCommands);
    expect(commands).toHaveLength(7);
    expect(commands).toContain(
      `gh variable set AZURE_CLIENT_ID --repo altinn/altinn-apps-infra --env drift --body '${previewClient}'`,
    );
  });
});

describe("bootstrap settings", () => {
  const read = (values: Record<string, unknown>) => (key: string) => values[key];

  it("accepts a complete configuration", () => {
    expect(parseBootstrapConfig(read(CONFIG), "bootstrap/Pulumi.platform.yaml")).toEqual(CONFIG);
  });

  it("reports every problem at once, naming the file and the key", () => {
    const bad = { ...CONFIG, tenantId: "nope", repository: undefined, ownerScopes: { tt02: ["/nope"], prod: [] } };
    expect(() => parseBootstrapConfig(read(bad), "bootstrap/Pulumi.platform.yaml")).toThrow(
      [
        "invalid bootstrap settings:",
        "bootstrap/Pulumi.platform.yaml: altinn-apps-bootstrap:repository: required",
        "bootstrap/Pulumi.platform.yaml: altinn-apps-bootstrap:tenantId: expected a GUID",
        "bootstrap/Pulumi.platform.yaml: altinn-apps-bootstrap:ownerScopes.tt02.0: expected /providers/Microsoft.Management/managementGroups/<id> or /subscriptions/<guid>",
        "bootstrap/Pulumi.platform.yaml: altinn-apps-bootstrap:ownerScopes.prod: Too small: expected array to have >=1 items",
      ].join("\n"),
    );
  });

  it("refuses the committed template until its placeholders are replaced", () => {
    const file = path.join(REPO_ROOT, "bootstrap/Pulumi.platform.yaml");
    const { config } = parse(readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    const template = (key: string) => config[`altinn-apps-bootstrap:${key}`];
    expect(() => parseBootstrapConfig(template, "bootstrap/Pulumi.platform.yaml")).toThrow(
      /altinn-apps-bootstrap:tenantId: expected a GUID[\s\S]*altinn-apps-bootstrap:ownerScopes.tt02.0: replace the placeholder/,
    );
  });
});

describe("bootstrap, workflows and README agree", () => {
  it("the README's bootstrap section names every Graph permission and every trusted environment", () => {
    const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### 1. Bootstrap"), readme.indexOf("### 2. Repository settings"));
    for (const permission of [...GRAPH_PERMISSIONS.deploy, ...GRAPH_PERMISSIONS.read]) {
      expect(section).toContain(`\`${permission}\``);
    }
    for (const environment of DEPLOY_IDENTITIES.flatMap((identity) => identity.githubEnvironments)) {
      expect(section).toContain(`environment:${environment}\``);
    }
  });

  it("trusts exactly the GitHub environments whose jobs log in to Azure", () => {
    const directory = path.join(REPO_ROOT, ".github/workflows");
    const named = new Set<string>();
    for (const file of readdirSync(directory).filter((name) => name.endsWith(".yml"))) {
      const workflow = parse(readFileSync(path.join(directory, file), "utf8")) as {
        jobs: Record<
          string,
          { environment?: string; permissions?: Record<string, string>; with?: { environment?: string } }
        >;
      };
      for (const job of Object.values(workflow.jobs)) {
        if (job.permissions?.["id-token"] !== "write") continue;
        // A job calling the reusable deploy wave passes its environment as an input.
        const environment = job.environment?.startsWith("${{") ? undefined : (job.environment ?? job.with?.environment);
        if (environment) named.add(environment);
      }
    }
    const trusted = DEPLOY_IDENTITIES.flatMap((identity) => identity.githubEnvironments);
    expect([...named].sort()).toEqual([...trusted].sort());
  });
});
