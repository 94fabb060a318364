import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { RoleAssignment, RoleDefinition } from "@pulumi/azure-native/authorization";
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
import {
  deployIdentities,
  federatedSubject,
  GRAPH_PERMISSIONS,
  githubEnvironments,
  MICROSOFT_GRAPH_APP_ID,
  PLAN_READER_ROLE,
  PLATFORM_ROLES,
} from "./identities";
import { definePlatform, graphAppRoleId, planReaderRoleGuid, type PlatformOutputs } from "./platform";

const CONFIG: BootstrapConfig = {
  repository: "altinn/altinn-apps-infra",
  repositoryOwnerId: "1342004",
  repositoryId: "987654321",
  subjectFormat: "immutable",
  tt02AccessModel: "pim",
  tenantId: "11111111-1111-1111-1111-111111111111",
  subscriptionId: "22222222-2222-2222-2222-222222222222",
  location: "norwayeast",
  resourceGroupName: "altinn-apps-platform-rg",
  stateStorageAccountName: "altinnappsstate",
  stateContainerPrefix: "pulumi-state",
  keyVaultName: "altinn-apps-pulumi",
  secretsKeyPrefix: "pulumi-state",
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
const ALL_GRAPH_PERMISSIONS = [...new Set(Object.values(GRAPH_PERMISSIONS).flat())];
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
  config: BootstrapConfig = CONFIG,
  graphPermissions: readonly string[] = ALL_GRAPH_PERMISSIONS,
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
      outputs = definePlatform(config);
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

/** An identity's role assignments as "role @ scope", the scope shortened after its last provider. */
function rolesOf(resources: readonly Registered[], identity: string): string[] {
  return resources
    .filter(
      (resource) => resource.type === token(RoleAssignment) && resource.name.startsWith(`altinn-apps-${identity}-`),
    )
    .map((assignment) => {
      const roleId = String(assignment.inputs["roleDefinitionId"]).split("/").at(-1);
      const role =
        Object.entries(PLATFORM_ROLES).find(([, id]) => id === roleId)?.[0] ??
        (["tt02", "prod"] as const)
          .map((environment) =>
            roleId === planReaderRoleGuid(CONFIG, environment)
              ? `${PLAN_READER_ROLE.name} (${environment})`
              : undefined,
          )
          .find(Boolean);
      return `${role} @ ${String(assignment.inputs["scope"]).replace(/^.*\/providers\//, "")}`;
    });
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

  it("trusts exactly the environment subjects the workflows' jobs get, in GitHub's immutable form, one after another", () => {
    const credentials = ofType(token(FederatedIdentityCredential));
    const subject = (environment: string) =>
      `repo:altinn@1342004/altinn-apps-infra@987654321:environment:${environment}`;
    expect(credentials.map((credential) => [credential.name, credential.inputs["subject"]])).toEqual([
      ["altinn-apps-preview-tt02-github-preview-tt02", subject("preview-tt02")],
      ["altinn-apps-drift-tt02-github-drift-tt02", subject("drift-tt02")],
      ["altinn-apps-preview-prod-github-preview-prod", subject("preview-prod")],
      ["altinn-apps-drift-prod-github-drift-prod", subject("drift-prod")],
      ["altinn-apps-tt02-github-tt02", subject("tt02")],
      ["altinn-apps-production-github-production", subject("production")],
    ]);
    for (const credential of credentials) {
      expect(credential.inputs).toMatchObject({
        issuer: "https://token.actions.githubusercontent.com",
        audiences: ["api://AzureADTokenExchange"],
      });
      expect(credential.opts.dependsOn).toEqual([]);
    }
  });

  it("emits the subject form the configuration names, spelt as GitHub spells the names", () => {
    const names = { ...CONFIG, repository: "Altinn/Altinn-Apps-Infra" };
    expect(federatedSubject({ ...names, subjectFormat: "name" }, "production")).toBe(
      "repo:Altinn/Altinn-Apps-Infra:environment:production",
    );
    expect(federatedSubject(names, "production")).toBe(
      "repo:Altinn@1342004/Altinn-Apps-Infra@987654321:environment:production",
    );
  });

  it("gives each environment its own state container and secrets key, hardened and protected", () => {
    expect(ofType(token(BlobContainer)).map(({ inputs }) => inputs["containerName"])).toEqual([
      "pulumi-state-tt02",
      "pulumi-state-prod",
    ]);
    expect(ofType(token(Key)).map(({ inputs }) => inputs["keyName"])).toEqual([
      "pulumi-state-tt02",
      "pulumi-state-prod",
    ]);
  });

  it("gives the readers state read, their own key and the plan reader role on their own environment only", () => {
    const container = (environment: string) =>
      `Microsoft.Storage/storageAccounts/altinnappsstate/blobServices/default/containers/pulumi-state-${environment}`;
    const key = (environment: string) =>
      `Microsoft.KeyVault/vaults/altinn-apps-pulumi/keys/pulumi-state-${environment}`;
    for (const kind of ["preview", "drift"]) {
      expect(rolesOf(resources, `${kind}-tt02`)).toEqual([
        `Storage Blob Data Reader @ ${container("tt02")}`,
        `Key Vault Crypto User @ ${key("tt02")}`,
        "Altinn Apps Plan Reader (tt02) @ Microsoft.Management/managementGroups/altinn-apps-test",
      ]);
      expect(rolesOf(resources, `${kind}-prod`)).toEqual([
        `Storage Blob Data Reader @ ${container("prod")}`,
        `Key Vault Crypto User @ ${key("prod")}`,
        "Altinn Apps Plan Reader (prod) @ Microsoft.Management/managementGroups/altinn-apps-prod",
        "Altinn Apps Plan Reader (prod) @ /subscriptions/33333333-3333-3333-3333-333333333333",
      ]);
    }
  });

  it("defines the plan reader role per environment: Reader without the owners' log data", () => {
    const definitions = ofType(token(RoleDefinition));
    expect(definitions.map(({ inputs }) => [inputs["roleName"], inputs["scope"], inputs["assignableScopes"]])).toEqual([
      ["Altinn Apps Plan Reader (tt02)", CONFIG.ownerScopes.tt02[0], CONFIG.ownerScopes.tt02],
      ["Altinn Apps Plan Reader (prod)", CONFIG.ownerScopes.prod[0], CONFIG.ownerScopes.prod],
    ]);
    for (const { inputs } of definitions) {
      expect(inputs["permissions"]).toEqual([
        {
          actions: ["*/read"],
          notActions: [
            "Microsoft.OperationalInsights/workspaces/query/*/read",
            "Microsoft.Insights/logs/*/read",
            "Microsoft.Insights/components/query/read",
          ],
        },
      ]);
      expect(inputs["roleType"]).toBe("CustomRole");
    }
  });

  it("gives each deploy identity write access to its own environment only", () => {
    expect(rolesOf(resources, "tt02")).toEqual([
      "Storage Blob Data Contributor @ Microsoft.Storage/storageAccounts/altinnappsstate/blobServices/default/containers/pulumi-state-tt02",
      "Key Vault Crypto User @ Microsoft.KeyVault/vaults/altinn-apps-pulumi/keys/pulumi-state-tt02",
      "Contributor @ Microsoft.Management/managementGroups/altinn-apps-test",
      "Role Based Access Control Administrator @ Microsoft.Management/managementGroups/altinn-apps-test",
    ]);
    expect(rolesOf(resources, "production")).toEqual([
      "Storage Blob Data Contributor @ Microsoft.Storage/storageAccounts/altinnappsstate/blobServices/default/containers/pulumi-state-prod",
      "Key Vault Crypto User @ Microsoft.KeyVault/vaults/altinn-apps-pulumi/keys/pulumi-state-prod",
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

  const graphOf = (identity: string) =>
    underIdentity(identity, token(AppRoleAssignment)).map(({ inputs }) => {
      expect(inputs["resourceObjectId"]).toBe(GRAPH_OBJECT_ID);
      return ALL_GRAPH_PERMISSIONS.find((permission) => appRoleId(permission) === inputs["appRoleId"]);
    });

  it("grants Microsoft Graph application permissions from the table: writes for deploys, reads for readers", () => {
    for (const reader of ["preview-tt02", "drift-tt02", "preview-prod", "drift-prod"]) {
      expect(graphOf(reader)).toEqual([...GRAPH_PERMISSIONS.read]);
      expect(graphOf(reader).every((permission) => !/Write|Create/.test(permission ?? ""))).toBe(true);
    }
    expect(graphOf("production")).toEqual([...GRAPH_PERMISSIONS.groups, ...GRAPH_PERMISSIONS.pimWrite]);
    expect(graphOf("production")).not.toContain("Group.ReadWrite.All");
  });

  it("no tt02 identity (deploy, preview or drift) can read, write or decrypt anything of prod", () => {
    const prodResources = [
      ...ofType(token(BlobContainer)).filter(({ inputs }) => String(inputs["containerName"]).endsWith("-prod")),
      ...ofType(token(Key)).filter(({ inputs }) => String(inputs["keyName"]).endsWith("-prod")),
    ];
    expect(prodResources).toHaveLength(2);
    const prodScopes = [...CONFIG.ownerScopes.prod];
    const tt02Identities = deployIdentities(CONFIG).filter((identity) => identity.environment === "tt02");
    expect(tt02Identities.map((identity) => identity.name)).toEqual(["preview-tt02", "drift-tt02", "tt02"]);
    for (const identity of tt02Identities) {
      for (const { inputs } of underIdentity(identity.name, token(RoleAssignment))) {
        const scope = String(inputs["scope"]);
        expect(prodScopes, identity.name).not.toContain(scope);
        expect(scope, identity.name).not.toMatch(/-prod$/);
        expect(scope, identity.name).toMatch(/-tt02$|altinn-apps-test$/);
      }
    }
    // A tenant-wide Graph write on PIM would reach prod's groups: only identities behind the production reviewers.
    for (const identity of deployIdentities(CONFIG)) {
      const pimWriter = graphOf(identity.name).some((permission) =>
        (GRAPH_PERMISSIONS.pimWrite as readonly string[]).includes(permission ?? ""),
      );
      if (pimWriter) {
        for (const environment of identity.githubEnvironments) {
          expect(environment.reviewers, `${identity.name} via ${environment.name}`).toBe("production");
        }
      }
    }
  });

  it("puts every identity that reaches prod behind main-only environments, the prod preview behind the reviewers", () => {
    for (const identity of deployIdentities(CONFIG)) {
      for (const environment of identity.githubEnvironments) expect(environment.branches).toBe("main");
    }
    expect(outputs.environmentProtection).toEqual({
      "preview-tt02": { branches: "main", reviewers: "none" },
      "drift-tt02": { branches: "main", reviewers: "none" },
      "preview-prod": { branches: "main", reviewers: "production" },
      "drift-prod": { branches: "main", reviewers: "none" },
      tt02: { branches: "main", reviewers: "production" },
      production: { branches: "main", reviewers: "production" },
      automation: { branches: "main", reviewers: "none" },
    });
  });

  it("names a Graph permission the tenant's Microsoft Graph does not publish", () => {
    expect(graphAppRoleId({ "Group.Create": "x" }, "Group.Create")).toBe("x");
    expect(() => graphAppRoleId({}, "Group.Create")).toThrow(
      "Microsoft Graph has no application permission Group.Create",
    );
  });

  it("hardens and protects the state and the secrets keys", () => {
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
    for (const container of ofType(token(BlobContainer))) {
      expect(container.inputs).toMatchObject({ publicAccess: "None" });
    }
    expect(ofType(token(Vault))[0]?.inputs["properties"]).toMatchObject({
      enableRbacAuthorization: true,
      enablePurgeProtection: true,
      softDeleteRetentionInDays: 90,
    });
    for (const key of ofType(token(Key))) {
      expect(key.inputs["properties"]).toEqual({ kty: "RSA", keySize: 3072, keyOps: ["encrypt", "decrypt"] });
    }
    for (const type of [StorageAccount, BlobContainer, Vault, Key, UserAssignedIdentity, RoleDefinition]) {
      const instances = ofType(token(type));
      expect(instances.length).toBeGreaterThan(0);
      for (const instance of instances) expect(instance.opts.protect, instance.name).toBe(true);
    }
  });

  it("prints each environment's variables and the gh commands that set them", async () => {
    const client = (identity: string) => nameBasedGuid("client", `altinn-apps-${identity}`);
    const backend = (environment: string) => ({
      PULUMI_BACKEND_URL: `azblob://pulumi-state-${environment}?storage_account=altinnappsstate`,
      PULUMI_SECRETS_PROVIDER: `azurekeyvault://altinn-apps-pulumi.vault.azure.net/keys/pulumi-state-${environment}`,
    });
    expect(await settle(outputs.repositoryVariables)).toEqual({ AZURE_TENANT_ID: CONFIG.tenantId });
    expect(await settle(outputs.environmentVariables)).toEqual({
      "preview-tt02": { AZURE_CLIENT_ID: client("preview-tt02"), ...backend("tt02") },
      "drift-tt02": { AZURE_CLIENT_ID: client("drift-tt02"), ...backend("tt02") },
      "preview-prod": { AZURE_CLIENT_ID: client("preview-prod"), ...backend("prod") },
      "drift-prod": { AZURE_CLIENT_ID: client("drift-prod"), ...backend("prod") },
      tt02: { AZURE_CLIENT_ID: client("tt02"), ...backend("tt02") },
      production: { AZURE_CLIENT_ID: client("production"), ...backend("prod") },
    });
    expect(await settle(outputs.groupOwnerObjectIds)).toEqual({
      "Pulumi.tt02.yaml": nameBasedGuid("principal", "altinn-apps-tt02"),
      "Pulumi.prod.yaml": nameBasedGuid("principal", "altinn-apps-production"),
    });
    const commands = await settle(outputs.setupCommands);
    expect(commands).toHaveLength(1 + 6 * 3);
    expect(commands).toContain(
      `gh variable set AZURE_CLIENT_ID --repo altinn/altinn-apps-infra --env drift-prod --body '${client("drift-prod")}'`,
    );
  });
});

describe("bootstrap with tt02 on the membership model", () => {
  it("gives the tt02 identity no PIM permission and lets its environment run unattended", async () => {
    const run = await bootstrap({ ...CONFIG, tt02AccessModel: "membership", subjectFormat: "name" });
    expect(run.failures).toEqual([]);
    const tt02Graph = run.resources.filter(
      (resource) => resource.type === token(AppRoleAssignment) && resource.name.startsWith("altinn-apps-tt02-"),
    );
    expect(
      tt02Graph.map(({ inputs }) => ALL_GRAPH_PERMISSIONS.find((p) => appRoleId(p) === inputs["appRoleId"])),
    ).toEqual([...GRAPH_PERMISSIONS.groups]);
    expect(run.outputs?.environmentProtection["tt02"]).toEqual({ branches: "main", reviewers: "none" });
    const subjects = run.resources
      .filter((resource) => resource.type === token(FederatedIdentityCredential))
      .map(({ inputs }) => inputs["subject"]);
    expect(subjects).toContain("repo:altinn/altinn-apps-infra:environment:tt02");
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

describe("bootstrap, workflows, layers and docs agree", () => {
  const committed = () => {
    const file = path.join(REPO_ROOT, "bootstrap/Pulumi.platform.yaml");
    return (parse(readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config;
  };

  it("the bootstrap page names every Graph permission and every trusted environment", () => {
    const page = readFileSync(path.join(REPO_ROOT, "docs/operations/bootstrap.md"), "utf8");
    for (const permission of ALL_GRAPH_PERMISSIONS) expect(page).toContain(`\`${permission}\``);
    for (const environment of githubEnvironments(CONFIG)) expect(page).toContain(`\`${environment.name}\``);
  });

  it("the committed tt02AccessModel is the tt02 layer's access model", () => {
    const layer = parse(readFileSync(path.join(REPO_ROOT, "Pulumi.tt02.yaml"), "utf8")) as {
      config: Record<string, unknown>;
    };
    expect(committed()["altinn-apps-bootstrap:tt02AccessModel"]).toBe(layer.config["altinn-apps:accessModel"]);
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
        // A job calling a reusable workflow passes its environment as an input.
        const environment = job.environment?.startsWith("${{") ? undefined : (job.environment ?? job.with?.environment);
        if (environment) named.add(environment);
      }
    }
    const trusted = deployIdentities(CONFIG).flatMap((identity) => identity.githubEnvironments.map((e) => e.name));
    expect([...named].sort()).toEqual([...trusted].sort());
  });
});
