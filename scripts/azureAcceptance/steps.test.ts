import { describe, expect, it } from "vitest";
import { parseIsoDate } from "../../infra/model/dates";
import { captureOutput } from "../../test/support/output";
import { main } from "../azureAcceptance";
import {
  acceptanceSteps,
  addDays,
  canaryStack,
  parseCount,
  parseQueryCount,
  parseStackOutputs,
  PROBE,
  resolvedCommand,
  vaultProbeJob,
  withCanaryGrant,
} from "./steps";

const TODAY = parseIsoDate("2026-11-23");
const options = {
  stack: "digdir-tt02",
  canaryUser: "kari.nordmann@ai-dev.no",
  ownerFile: "stacks/digdir.yaml",
  today: TODAY,
  namespace: "default",
  serviceAccount: "altinn-apps",
};
const output = captureOutput();

describe("the acceptance run's steps", () => {
  const steps = acceptanceSteps(options);
  const named = (name: string) => {
    const step = steps.find((candidate) => candidate.name.startsWith(name));
    if (!step) throw new Error(`no step ${name}`);
    return step;
  };

  it("runs only on a tt02 stack: it changes real resources", () => {
    expect(canaryStack("digdir-tt02")).toEqual({ org: "digdir", environment: "tt02" });
    expect(() => canaryStack("digdir-prod")).toThrow(/runs only on a canary tt02 owner/);
    expect(() => acceptanceSteps({ ...options, stack: "digdir-prod" })).toThrow(/tt02/);
  });

  it("deploys, deploys again expecting no changes, and refreshes expecting none", () => {
    expect(steps.slice(0, 3).map((step) => step.command)).toEqual([
      ["pulumi", "up", "--stack", "digdir-tt02", "--yes", "--non-interactive", "--skip-preview"],
      ["pulumi", "up", "--stack", "digdir-tt02", "--yes", "--non-interactive", "--skip-preview", "--expect-no-changes"],
      [
        "pulumi",
        "refresh",
        "--stack",
        "digdir-tt02",
        "--yes",
        "--non-interactive",
        "--skip-preview",
        "--expect-no-changes",
      ],
    ]);
  });

  it("reads the stack outputs and requires the ones the probes use", () => {
    const step = named("stack outputs");
    const context = { outputs: {} };
    step.remember?.(
      '{"keyVaultUri":"https://digdir-tt02-apps-kv.vault.azure.net/","clusterName":"digdir-tt02-aks"}',
      context,
    );
    expect(step.check?.("", context)).toMatch(/an output is missing/);
    step.remember?.(
      JSON.stringify({ keyVaultUri: "u", clusterName: "c", appIdentityClientId: "i", egressIpRange: "203.0.113.4/31" }),
      context,
    );
    expect(step.check?.("", context)).toBeUndefined();
    expect(() => parseStackOutputs("[]")).toThrow(/no object/);
  });

  it("probes the vault as the apps' service account, passing only when the token exchange and the vault both answered", () => {
    const job = JSON.parse(vaultProbeJob("default", "altinn-apps", "digdir-tt02-apps-kv")) as {
      spec: { template: { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> } };
    };
    expect(job.spec.template.metadata.labels).toEqual({ "azure.workload.identity/use": "true" });
    expect(job.spec.template.spec["serviceAccountName"]).toBe("altinn-apps");
    expect(JSON.stringify(job)).toContain("az keyvault secret list --vault-name digdir-tt02-apps-kv");
    const probe = named("a pod exchanges its token");
    expect(probe.command.join(" ")).toContain("--context digdir-tt02-aks");
    expect(probe.check?.(`${PROBE.login}\n${PROBE.vault}\n`, { outputs: {} })).toBeUndefined();
    expect(probe.check?.(`${PROBE.login}\n`, { outputs: {} })).toMatch(/vault ok/);
    expect(probe.check?.("", { outputs: {} })).toMatch(/token-exchange ok/);
  });

  it("queries the application workspace for container logs, by the customer id the previous step read", () => {
    const context = { outputs: {} };
    named("the application workspace's customer id").remember?.("6f1e2d3c-0000-4000-8000-000000000001\n", context);
    const logs = named("container logs arrive");
    expect(resolvedCommand(logs, context).join(" ")).toContain("-w 6f1e2d3c-0000-4000-8000-000000000001 ");
    expect(logs.check?.('[{"Count": 12}]', context)).toBeUndefined();
    expect(logs.check?.('[{"Count": 0}]', context)).toMatch(/no ContainerLogV2 rows/);
    expect(parseQueryCount('[{"count_": "3"}]')).toBe(3);
    expect(() => parseQueryCount("[]")).toThrow(/no count/);
  });

  it("fails when an update resets the autoscaler's count", () => {
    const context = { outputs: {} };
    named("the autoscaler raises").remember?.("4\n", context);
    const survived = named("the apps pool's count survived");
    expect(survived.check?.("4\n", context)).toBeUndefined();
    expect(survived.check?.("3\n", context)).toMatch(/reset the count from 4 to 3/);
    expect(() => parseCount("")).toThrow(/not a node count/);
  });

  it("grants, renews and expires a canary grant through the owner file, keeping its comments", () => {
    const text =
      "# comment kept\norg: abc\naccess:\n  - user: a@ai-dev.no\n    role: developer\n    environment: prod\n";
    const granted = withCanaryGrant(text, "kari@ai-dev.no", addDays(TODAY, 30));
    expect(granted).toContain("# comment kept");
    expect(granted).toMatch(/user: kari@ai-dev\.no\n\s+role: developer\n\s+environment: tt02\n\s+expires: 2026-12-23/);
    const renewed = withCanaryGrant(granted, "kari@ai-dev.no", addDays(TODAY, 60));
    expect(renewed.match(/kari@ai-dev\.no/g)).toHaveLength(1);
    expect(renewed).toContain("expires: 2027-01-22");
    const edits = steps.filter((step) => step.ownerFileEdit).map((step) => step.name);
    expect(edits).toEqual(["a grant deploys", "its renewal deploys", "its expiry deploys"]);
    expect(named("its expiry").ownerFileEdit?.(text)).toContain("expires: 2026-11-22");
  });
});

describe("npm run azure-acceptance (offline: prints, never runs, without --execute)", () => {
  it("prints every step's command for a tt02 stack, and refuses prod with a usage error", () => {
    output.clear();
    expect(main(["--stack", "digdir-tt02", "--canary-user", "kari.nordmann@ai-dev.no", "--today", "2026-11-23"])).toBe(
      0,
    );
    expect(output.stdout()).toContain("# first deploy\npulumi up --stack digdir-tt02");
    expect(output.stdout()).toContain("# its expiry deploys (edits the owner file)");
    expect(() => main(["--stack", "digdir-prod", "--canary-user", "k@ai-dev.no"])).toThrow(/tt02/);
  });
});
