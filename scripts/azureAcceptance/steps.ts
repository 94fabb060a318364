import { parseDocument } from "yaml";
import type { IsoDate } from "../../infra/model/dates";
import { parseStackName } from "../../infra/model/stackName";
import { resourceNames } from "../../infra/model/resourceNames";
import type { EnvironmentName } from "../../infra/model/schema";

/**
 * The real-Azure acceptance run on a canary tt02 owner (docs/operations/acceptance.md): what a first deploy, a second
 * one, a refresh, the apps' way to their vault, their logs, the autoscaler and a grant's renewal and expiry must do
 * against Azure and Entra ID, which no mock can show. Built here as data (commands and checks of their output), so
 * the arguments and the parsing are tested offline; scripts/acceptance.ts runs them.
 */

export interface AcceptanceOptions {
  readonly stack: string;
  /** An existing tenant user: the canary grant's account. */
  readonly canaryUser: string;
  /** The owner file the renewal and expiry steps edit (and restore). */
  readonly ownerFile: string;
  readonly today: IsoDate;
}

/** One command and what its output must show; a check returns the reason it failed, or undefined. */
export interface Step {
  readonly name: string;
  readonly command: readonly string[];
  /** Set: the step edits the owner file before it runs (renewal, expiry). */
  readonly ownerFileEdit?: (text: string) => string;
  readonly check?: (stdout: string, context: StepContext) => string | undefined;
  /** Values the later steps need, read from this step's output. */
  readonly remember?: (stdout: string, context: StepContext) => void;
}

/** What the steps learn as they go: the stack's outputs, the workspace's customer id, the pool's count. */
export interface StepContext {
  outputs: Record<string, unknown>;
  workspaceCustomerId?: string;
  appsPoolCount?: number;
}

/** Only a tt02 stack: the run creates, updates and refreshes for real. */
export function canaryStack(stack: string): { org: string; environment: EnvironmentName } {
  const parsed = parseStackName(stack);
  if (parsed.environment !== "tt02")
    throw new Error(`${stack}: the acceptance run changes real resources and runs only on a canary tt02 owner`);
  return parsed;
}

/** The day `days` after `today`, as YYYY-MM-DD. */
export function addDays(today: IsoDate, days: number): IsoDate {
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10) as IsoDate;
}

/** The owner file with the canary's tt02 developer grant set to expire on `expires` (added if missing), comments kept. */
export function withCanaryGrant(text: string, user: string, expires: IsoDate): string {
  const document = parseDocument(text);
  const access = (document.toJS() as { access?: { user: string; role: string; environment: string }[] }).access ?? [];
  const index = access.findIndex(
    (grant) => grant.user === user && grant.role === "developer" && grant.environment === "tt02",
  );
  if (index < 0) {
    document.addIn(["access"], { user, role: "developer", environment: "tt02", expires, reason: "acceptance canary" });
  } else {
    document.setIn(["access", index, "expires"], expires);
  }
  return document.toString();
}

/** `pulumi stack output --json` as an object. */
export function parseStackOutputs(stdout: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(stdout);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new Error("pulumi stack output --json printed no object");
  return parsed as Record<string, unknown>;
}

/** The first count of a Log Analytics query (`az monitor log-analytics query -o json`: rows as objects). */
export function parseQueryCount(stdout: string): number {
  const rows: unknown = JSON.parse(stdout);
  const first = Array.isArray(rows) ? (rows[0] as Record<string, unknown> | undefined) : undefined;
  const count = Number(first?.["Count"] ?? first?.["count_"]);
  if (!Number.isFinite(count)) throw new Error("the query returned no count");
  return count;
}

/** The node count of `az aks nodepool show --query count -o tsv`. */
export function parseCount(stdout: string): number {
  const text = stdout.trim();
  if (!/^\d+$/.test(text)) throw new Error(`not a node count: "${text}"`);
  return Number(text);
}

/** The marker lines the vault probe job prints: what it proved, in order. */
export const PROBE = { login: "ACCEPTANCE token-exchange ok", vault: "ACCEPTANCE vault ok" } as const;

/**
 * A job in the apps' namespace, as the apps' service account (workload identity): it exchanges its Kubernetes token
 * for an Entra ID token (the app token exchange) and lists the vault's secrets (through the node subnet's service
 * endpoint: the vault's firewall admits nothing else from the cluster).
 */
export function vaultProbeJob(namespace: string, serviceAccount: string, vaultName: string): string {
  const script = [
    "set -e",
    'az login --service-principal -u "$AZURE_CLIENT_ID" -t "$AZURE_TENANT_ID" --federated-token "$(cat "$AZURE_FEDERATED_TOKEN_FILE")" --allow-no-subscriptions -o none',
    `echo "${PROBE.login}"`,
    `az keyvault secret list --vault-name ${vaultName} -o none`,
    `echo "${PROBE.vault}"`,
  ].join(" && ");
  return JSON.stringify({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "acceptance-vault-probe", namespace },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels: { "azure.workload.identity/use": "true" } },
        spec: {
          serviceAccountName: serviceAccount,
          restartPolicy: "Never",
          containers: [{ name: "probe", image: "mcr.microsoft.com/azure-cli:latest", command: ["bash", "-c", script] }],
        },
      },
    },
  });
}

const missing = (stdout: string, marker: string) =>
  stdout.includes(marker) ? undefined : `the probe did not print "${marker}"`;

/** Every step, in order. */
export function acceptanceSteps(options: AcceptanceOptions & { namespace: string; serviceAccount: string }): Step[] {
  const { org, environment } = canaryStack(options.stack);
  const names = resourceNames(org, environment);
  const stack = ["--stack", options.stack];
  const yes = ["--yes", "--non-interactive", "--skip-preview"];
  const up = (...extra: string[]) => ["pulumi", "up", ...stack, ...yes, ...extra];
  const kubeContext = ["--context", names.managedCluster];
  return [
    { name: "first deploy", command: up() },
    { name: "second deploy changes nothing", command: up("--expect-no-changes") },
    {
      name: "refresh finds no drift",
      command: ["pulumi", "refresh", ...stack, ...yes, "--expect-no-changes"],
    },
    {
      name: "stack outputs",
      command: ["pulumi", "stack", "output", ...stack, "--json"],
      remember: (stdout, context) => {
        context.outputs = parseStackOutputs(stdout);
      },
      check: (_stdout, context) =>
        ["keyVaultUri", "clusterName", "appIdentityClientId", "egressIpRange"].find(
          (key) => typeof context.outputs[key] !== "string",
        ) && "an output is missing: keyVaultUri, clusterName, appIdentityClientId and egressIpRange are required",
    },
    {
      name: "cluster credentials (Entra ID, kubelogin)",
      command: [
        "az",
        "aks",
        "get-credentials",
        "-g",
        names.clusterResourceGroup,
        "-n",
        names.managedCluster,
        "--overwrite-existing",
      ],
    },
    {
      name: "a pod exchanges its token and reaches the vault through the service endpoint",
      command: [
        "bash",
        "-c",
        `kubectl ${kubeContext.join(" ")} delete job -n ${options.namespace} acceptance-vault-probe --ignore-not-found && ` +
          `printf '%s' '${vaultProbeJob(options.namespace, options.serviceAccount, names.keyVault)}' | kubectl ${kubeContext.join(" ")} apply -f - && ` +
          `kubectl ${kubeContext.join(" ")} wait -n ${options.namespace} --for=condition=complete --timeout=300s job/acceptance-vault-probe; ` +
          `kubectl ${kubeContext.join(" ")} logs -n ${options.namespace} job/acceptance-vault-probe`,
      ],
      check: (stdout) => missing(stdout, PROBE.login) ?? missing(stdout, PROBE.vault),
    },
    {
      name: "the application workspace's customer id",
      command: [
        "az",
        "monitor",
        "log-analytics",
        "workspace",
        "show",
        "-g",
        names.monitorResourceGroup,
        "-n",
        names.logAnalyticsWorkspace,
        "--query",
        "customerId",
        "-o",
        "tsv",
      ],
      remember: (stdout, context) => {
        context.workspaceCustomerId = stdout.trim();
      },
    },
    {
      name: "container logs arrive in the application workspace",
      command: [
        "bash",
        "-c",
        // The customer id is known only at run time: the runner substitutes {workspace}.
        "az monitor log-analytics query -w {workspace} -o json --analytics-query " +
          "'ContainerLogV2 | where TimeGenerated > ago(30m) | count'",
      ],
      check: (stdout) => (parseQueryCount(stdout) > 0 ? undefined : "no ContainerLogV2 rows in the last 30 minutes"),
    },
    {
      name: "the autoscaler raises the apps pool (min count + 1)",
      command: [
        "bash",
        "-c",
        `pool=$(az aks nodepool list -g ${names.clusterResourceGroup} --cluster-name ${names.managedCluster} --query "[?mode=='User'].name | [0]" -o tsv) && ` +
          `min=$(az aks nodepool show -g ${names.clusterResourceGroup} --cluster-name ${names.managedCluster} -n "$pool" --query minCount -o tsv) && ` +
          `az aks nodepool update -g ${names.clusterResourceGroup} --cluster-name ${names.managedCluster} -n "$pool" --update-cluster-autoscaler --min-count $((min + 1)) --max-count $(az aks nodepool show -g ${names.clusterResourceGroup} --cluster-name ${names.managedCluster} -n "$pool" --query maxCount -o tsv) -o none && ` +
          `az aks nodepool show -g ${names.clusterResourceGroup} --cluster-name ${names.managedCluster} -n "$pool" --query count -o tsv`,
      ],
      remember: (stdout, context) => {
        context.appsPoolCount = parseCount(stdout.trim().split("\n").at(-1) ?? "");
      },
    },
    { name: "an update puts minCount back and leaves the autoscaler's count alone", command: up() },
    {
      name: "the apps pool's count survived the update",
      command: [
        "bash",
        "-c",
        `az aks nodepool list -g ${names.clusterResourceGroup} --cluster-name ${names.managedCluster} --query "[?mode=='User'].count | [0]" -o tsv`,
      ],
      check: (stdout, context) =>
        context.appsPoolCount !== undefined && parseCount(stdout) < context.appsPoolCount
          ? `the update reset the count from ${context.appsPoolCount} to ${parseCount(stdout)}`
          : undefined,
    },
    {
      name: "a grant deploys",
      command: up(),
      ownerFileEdit: (text) => withCanaryGrant(text, options.canaryUser, addDays(options.today, 30)),
    },
    {
      name: "its renewal deploys",
      command: up(),
      ownerFileEdit: (text) => withCanaryGrant(text, options.canaryUser, addDays(options.today, 60)),
    },
    {
      name: "its expiry deploys",
      command: up(),
      ownerFileEdit: (text) => withCanaryGrant(text, options.canaryUser, addDays(options.today, -1)),
    },
    { name: "and nothing is left to change", command: up("--expect-no-changes") },
  ];
}

/** A step's command with what earlier steps learned substituted in. */
export function resolvedCommand(step: Step, context: StepContext): string[] {
  return step.command.map((part) => part.replaceAll("{workspace}", context.workspaceCustomerId ?? "{workspace}"));
}
