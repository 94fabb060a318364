import type { EnvironmentName, RoleName } from "./model";

/** Every physical name this project gives an Azure or Entra ID object, and the limit each must respect. */

export interface NameRule {
  readonly min: number;
  readonly max: number;
  readonly pattern: RegExp;
}

export const NAME_RULES = {
  resourceGroup: { min: 1, max: 90, pattern: /^[-\w.()]*[-\w()]$/ },
  logAnalyticsWorkspace: { min: 4, max: 63, pattern: /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/ },
  applicationInsights: { min: 1, max: 260, pattern: /^[^%&\\?/]+$/ },
  keyVault: { min: 3, max: 24, pattern: /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]*[a-zA-Z0-9]$/ },
  managedCluster: { min: 1, max: 63, pattern: /^[a-zA-Z0-9][-_a-zA-Z0-9]*[a-zA-Z0-9]$/ },
  dnsPrefix: { min: 1, max: 54, pattern: /^[a-zA-Z0-9][-a-zA-Z0-9]*[a-zA-Z0-9]$/ },
  agentPool: { min: 1, max: 12, pattern: /^[a-z][a-z0-9]*$/ },
  mailNickname: { min: 1, max: 64, pattern: /^[A-Za-z0-9._-]+$/ },
  diagnosticSetting: { min: 1, max: 260, pattern: /^[^*<>%&:\\?/+]+$/ },
  privateEndpoint: { min: 2, max: 64, pattern: /^[a-zA-Z0-9][a-zA-Z0-9_.-]*[a-zA-Z0-9_]$/ },
} as const satisfies Record<string, NameRule>;

export type NameKind = keyof typeof NAME_RULES;

/** The names of one owner's resources in one environment. */
export function resourceNames(org: string, environment: EnvironmentName) {
  const base = `${org}-${environment}`;
  return {
    clusterResourceGroup: `altinnapps-${base}-rg`,
    monitorResourceGroup: `monitor-${base}-rg`,
    clusterNodeResourceGroup: `altinnapps-${base}-nodes-rg`,
    logAnalyticsWorkspace: `application-${base}-law`,
    applicationInsights: `${base}-ai`,
    keyVault: `${base}-apps-kv`,
    keyVaultDiagnostics: `${base}-apps-kv-audit`,
    keyVaultPrivateEndpoint: `${base}-apps-kv-pe`,
    clusterDiagnostics: `${base}-aks-audit`,
    managedCluster: `${base}-aks`,
    dnsPrefix: `${base}-aks`,
    systemPool: "system",
    userPool: "workload",
  } as const;
}

export type ResourceNames = ReturnType<typeof resourceNames>;

/** Which rule each physical name must satisfy. */
export const NAME_KINDS: Record<keyof ResourceNames, NameKind> = {
  clusterResourceGroup: "resourceGroup",
  monitorResourceGroup: "resourceGroup",
  clusterNodeResourceGroup: "resourceGroup",
  logAnalyticsWorkspace: "logAnalyticsWorkspace",
  applicationInsights: "applicationInsights",
  keyVault: "keyVault",
  keyVaultDiagnostics: "diagnosticSetting",
  keyVaultPrivateEndpoint: "privateEndpoint",
  clusterDiagnostics: "diagnosticSetting",
  managedCluster: "managedCluster",
  dnsPrefix: "dnsPrefix",
  systemPool: "agentPool",
  userPool: "agentPool",
};

export function violatesNameRule(name: string, kind: NameKind): string | undefined {
  const rule = NAME_RULES[kind];
  if (name.length < rule.min || name.length > rule.max) {
    return `${kind} name "${name}" must be ${rule.min}-${rule.max} characters (is ${name.length})`;
  }
  if (!rule.pattern.test(name)) return `${kind} name "${name}" has characters Azure does not allow`;
  return undefined;
}

const ENVIRONMENT_TITLES: Record<EnvironmentName, string> = { tt02: "Test", prod: "Prod" };
const ROLE_TITLES: Record<RoleName, string> = { developer: "Developer", operations: "Operations" };

/** Entra ID group for one of the four roles: `Altinn Apps digdir Prod Developer`, mail nickname `altinn-apps-digdir-prod-developer`. */
export function accessGroupNames(org: string, environment: EnvironmentName, role: RoleName) {
  return {
    displayName: `Altinn Apps ${org} ${ENVIRONMENT_TITLES[environment]} ${ROLE_TITLES[role]}`,
    mailNickname: `altinn-apps-${org}-${environment}-${role}`,
    description: `${ENVIRONMENT_TITLES[environment]} ${ROLE_TITLES[role]} for Altinn service owner ${org}. Managed by altinn-apps-infra from stacks/${org}.yaml: change membership by pull request.`,
  };
}

export function appHostname(org: string, appDnsBase: string): string {
  return `${org}.${appDnsBase}`;
}
