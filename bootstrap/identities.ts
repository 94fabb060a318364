import type { EnvironmentName } from "../infra/model/schema";
import { AZURE_BUILT_IN_ROLES } from "../infra/roles";
import type { BootstrapConfig } from "./config";

/** Built-in Azure roles the deploy identities hold: their ids are the same in every tenant. */
export const PLATFORM_ROLES = {
  Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
  "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
} as const;
/**
 * The custom role the plan readers hold on the owners' scopes: Reader without the data of the owners' logs. Reader's
 * one action is the wildcard read, which also covers querying a Log Analytics workspace (workspace context,
 * Microsoft.OperationalInsights/workspaces/query/<table>/read), an Azure resource's logs (resource context,
 * Microsoft.Insights/logs/<table>/read) and Application Insights (Microsoft.Insights/components/query/read):
 * Azure Monitor's "Manage access to Log Analytics workspaces" and "Query Azure resource logs" (table-level
 * access). A preview or drift check reads resources' settings, never their logs.
 */
export const PLAN_READER_ROLE = {
  name: "Altinn Apps Plan Reader",
  actions: ["*/read"],
  notActions: [
    "Microsoft.OperationalInsights/workspaces/query/*/read",
    "Microsoft.Insights/logs/*/read",
    "Microsoft.Insights/components/query/read",
  ],
} as const;

export type PlatformRole = keyof typeof PLATFORM_ROLES | typeof PLAN_READER_ROLE.name;

/**
 * Microsoft Graph application permissions (app roles of the Microsoft Graph service principal), by what needs them:
 * - the owners' Entra ID groups: the deploy identity creates them and, as one of their owners (the layer's
 *   `groupOwnerObjectIds` must list it), manages them with Group.Create alone; azuread's Group docs: "if the
 *   authenticated service principal is also an owner of the group being managed, this resource can use the
 *   application role: Group.Create". Group.ReadWrite.All would let it change every group in the tenant.
 * - members are looked up with azuread.getUsers: User.ReadBasic.All is the least of the roles its docs list.
 * - PIM for Groups (eligible and active assignments, and the groups' role management policies): the three
 *   *.AzureADGroup permissions azuread's PrivilegedAccessGroup*Schedule and GroupRoleManagementPolicy docs require.
 *   They are tenant-wide (an application permission cannot be limited to some groups): whoever holds them can make
 *   anyone eligible for prod Operations, so only identities behind the production reviewers hold them.
 * - a preview or drift check reads the same objects: the Read counterparts, and Group.Read.All to read groups it
 *   does not own. Directory reads are tenant-wide too: group names, members and PIM schedules, no secrets.
 */
export const GRAPH_PERMISSIONS = {
  groups: ["Group.Create", "User.ReadBasic.All"],
  pimWrite: [
    "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
    "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
    "RoleManagementPolicy.ReadWrite.AzureADGroup",
  ],
  read: [
    "Group.Read.All",
    "User.ReadBasic.All",
    "PrivilegedEligibilitySchedule.Read.AzureADGroup",
    "PrivilegedAssignmentSchedule.Read.AzureADGroup",
    "RoleManagementPolicy.Read.AzureADGroup",
  ],
} as const;

/** Microsoft Graph's application id, the same in every tenant. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/**
 * A GitHub environment a job names to log in (or to read a secret). `branches: main` is the environment's deployment
 * branch policy (only jobs of runs on main may use it: no pull request, no other branch); `reviewers: production`
 * its required reviewers (the platform team, "prevent self-review" on). GitHub enforces both whatever the workflow
 * file says; bootstrap cannot set them, so `environmentProtection` prints them and docs/operations/bootstrap.md
 * lists the commands.
 */
export interface GitHubEnvironmentSpec {
  readonly name: string;
  readonly branches: "main";
  readonly reviewers?: "production";
  /** What its jobs do, for the docs. */
  readonly purpose: string;
}

export type DeployIdentityName = `${"preview" | "drift"}-${EnvironmentName}` | "tt02" | "production";

export interface DeployIdentitySpec {
  readonly name: DeployIdentityName;
  /**
   * The GitHub environments whose jobs log in as this identity. A job that names an environment gets the OIDC
   * subject …:environment:<name>, whatever its trigger; every job here that logs in names one, so these are the only
   * subjects trusted (no pull_request or branch subject).
   */
  readonly githubEnvironments: readonly GitHubEnvironmentSpec[];
  /** The one owner environment whose state, secrets key and scopes it reaches. */
  readonly environment: EnvironmentName;
  /** Its environment's state container: read (plans) or read-write (deploys, which also take the stack's lock). */
  readonly stateRole: PlatformRole;
  readonly ownerRoles: readonly PlatformRole[];
  readonly graphPermissions: readonly string[];
}

/**
 * Who logs in for what, one owner environment each: an identity has roles on its own environment's state
 * container, secrets key and owner scopes, and nothing of the other's. The readers (preview and drift) read state,
 * decrypt with their environment's key and read Azure without log data; a deploy identity changes its environment:
 * Contributor, and Role Based Access Control Administrator limited by a condition to the roles of infra/roles.ts
 * granted to groups and service principals. Every environment is restricted to main: a job that logs in runs
 * main's code (previews apply a pull request's data files on top of it, never its code).
 */
export function deployIdentities(config: Pick<BootstrapConfig, "tt02AccessModel">): DeployIdentitySpec[] {
  const tt02Pim = config.tt02AccessModel === "pim";
  /**
   * A plan reader: previews (a pull request's data files on main's code, after a maintainer's approval) and drift
   * checks (scheduled, main). A prod preview reads and decrypts prod's state with data a pull request chose, so its
   * environment requires the production reviewers; drift runs only main's files.
   */
  const reader = (kind: "preview" | "drift", environment: EnvironmentName): DeployIdentitySpec => ({
    name: `${kind}-${environment}`,
    githubEnvironments: [
      {
        name: `${kind}-${environment}`,
        branches: "main",
        ...(kind === "preview" && environment === "prod" ? { reviewers: "production" as const } : {}),
        purpose:
          kind === "preview"
            ? `pulumi preview of a pull request's data files on main's code (${environment} stacks)`
            : `the daily drift check (${environment} stacks)`,
      },
    ],
    environment,
    stateRole: "Storage Blob Data Reader",
    ownerRoles: [PLAN_READER_ROLE.name],
    graphPermissions: GRAPH_PERMISSIONS.read,
  });
  return [
    reader("preview", "tt02"),
    reader("drift", "tt02"),
    reader("preview", "prod"),
    reader("drift", "prod"),
    {
      name: "tt02",
      githubEnvironments: [
        {
          name: "tt02",
          branches: "main",
          ...(tt02Pim ? { reviewers: "production" as const } : {}),
          purpose: tt02Pim
            ? "pulumi up of tt02 stacks; behind the production reviewers, because tt02's PIM for Groups needs tenant-wide PIM write permissions"
            : "pulumi up of tt02 stacks, unattended (the membership access model needs no PIM permission)",
        },
      ],
      environment: "tt02",
      stateRole: "Storage Blob Data Contributor",
      ownerRoles: ["Contributor", "Role Based Access Control Administrator"],
      graphPermissions: [...GRAPH_PERMISSIONS.groups, ...(tt02Pim ? GRAPH_PERMISSIONS.pimWrite : [])],
    },
    {
      name: "production",
      githubEnvironments: [
        { name: "production", branches: "main", reviewers: "production", purpose: "pulumi up of prod stacks" },
      ],
      environment: "prod",
      stateRole: "Storage Blob Data Contributor",
      ownerRoles: ["Contributor", "Role Based Access Control Administrator"],
      graphPermissions: [...GRAPH_PERMISSIONS.groups, ...GRAPH_PERMISSIONS.pimWrite],
    },
  ];
}

/** The environment that holds the automation GitHub App's private key: restricted to main, used by scheduled jobs. */
export const AUTOMATION_ENVIRONMENT: GitHubEnvironmentSpec = {
  name: "automation",
  branches: "main",
  purpose:
    "the automation GitHub App's private key (secret AUTOMATION_APP_PRIVATE_KEY), for the expiry pull requests and reminder issues",
};

/** Every GitHub environment the workflows name, with the protection GitHub must enforce for each. */
export function githubEnvironments(config: Pick<BootstrapConfig, "tt02AccessModel">): GitHubEnvironmentSpec[] {
  return [...deployIdentities(config).flatMap((identity) => identity.githubEnvironments), AUTOMATION_ENVIRONMENT];
}

/**
 * The condition on Role Based Access Control Administrator: it may create and delete only assignments of the roles
 * the program grants (infra/roles.ts), and only to groups and service principals (as the
 * role-assignments-to-groups-only policy demands). Microsoft's "constrain roles and principal types" pattern.
 */
export function roleAssignmentCondition(): string {
  const roles = Object.values(AZURE_BUILT_IN_ROLES).sort().join(", ");
  const limit = (action: "write" | "delete", source: "Request" | "Resource") =>
    `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/${action}'})) OR ` +
    `(@${source}[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${roles}} AND ` +
    `@${source}[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'Group', 'ServicePrincipal'}))`;
  return `${limit("write", "Request")} AND ${limit("delete", "Resource")}`;
}

/**
 * The OIDC subject GitHub presents for a job that names `githubEnvironment`, in the repository's format. GitHub's
 * "OpenID Connect" concepts page (Immutable subject claims) and Microsoft Entra's "Migrate GitHub Actions federated
 * credentials to immutable subjects": the immutable id is appended to each name with `@`,
 * repo:<owner>@<owner id>/<repo>@<repo id>:environment:<name>, for repositories created or renamed on or after
 * 15 July 2026 (older ones opt in); the name form is repo:<owner>/<repo>:environment:<name>. Entra ID matches the
 * subject exactly, case included, so the names are GitHub's spelling (config `repository`).
 */
export function federatedSubject(
  {
    repository,
    repositoryOwnerId,
    repositoryId,
    subjectFormat,
  }: Pick<BootstrapConfig, "repository" | "repositoryOwnerId" | "repositoryId" | "subjectFormat">,
  githubEnvironment: string,
): string {
  const [owner, name] = repository.split("/");
  const subjectRepository =
    subjectFormat === "immutable" ? `${owner}@${repositoryOwnerId}/${name}@${repositoryId}` : repository;
  return `repo:${subjectRepository}:environment:${githubEnvironment}`;
}
