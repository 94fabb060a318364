import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runCli } from "../cli/cli";
import { REPO_ROOT } from "../repository/root";
import { ownerDocument, ownerYaml, subscriptionOf } from "../test/support/fleet";
import { captureOutput } from "../test/support/output";
import { committedRepository, gitIn } from "../test/support/repository";
import { main } from "./plan";

const output = captureOutput();

interface DiffJson {
  base: { ref: string; commit: string; evaluation: { code: string; reason?: string } };
  selection: string;
  stacks: {
    stack: string;
    status: string;
    changes: {
      type: string;
      name: string;
      action: string;
      properties: { path: string; before: unknown; after: unknown }[];
      deleteFirst?: true;
    }[];
    refusals: string[];
    ended?: { name: string; upn: string; endedAt: string }[];
  }[];
  folded: { type: string; action: string; path?: string; before?: unknown; after?: unknown; stacks: string[] }[];
  summary: { selected: number; passed: boolean; unmanaged: number; refusals: number };
}

/** Two owners (tt02 and prod each) committed on main; tests change the working tree. */
function fleetRepository(): {
  root: string;
  write: (file: string, text: string) => void;
  read: (file: string) => string;
} {
  const root = committedRepository([ownerYaml("abc"), ownerYaml("xyz")]);
  return {
    root,
    write: (file, text) => {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    },
    read: (file) => readFileSync(path.join(root, file), "utf8"),
  };
}

const BASE_ARGS = ["--today", "2026-11-23", "--workers", "1", "--no-cache"];

async function diff(root: string, ...extra: string[]): Promise<{ code: number; json: DiffJson }> {
  output.clear();
  const code = await main(["--diff", "main", "--root", root, "--format", "json", ...BASE_ARGS, ...extra]);
  return { code, json: JSON.parse(output.stdout()) as DiffJson };
}

const withGrant = (
  org: string,
  grant: Record<string, unknown>,
  user = { upn: `new.${org}@ai-dev.no`, name: "Ny Person" },
) => {
  const document = ownerDocument(org);
  return stringify({
    ...document,
    users: [...(document["users"] as unknown[]), user],
    access: [...(document["access"] as unknown[]), { user: user.upn, ...grant }],
  });
};

describe("plan --diff", () => {
  it("a role request selects only that owner's prod stack and shows the new member", async () => {
    const { root, write } = fleetRepository();
    write(
      "stacks/abc.yaml",
      withGrant("abc", { role: "operations", environment: "prod", ticket: "ALTINN-7", expires: "2027-03-31" }),
    );
    const { code, json } = await diff(root);
    expect(code).toBe(0);
    expect(json.stacks.map((stack) => stack.stack)).toEqual(["abc-prod"]);
    expect(json.selection).toMatch(/owner files changed: abc: 1 of 2 preselected stack\(s\) differ/);
    expect(json.stacks[0]?.changes).toEqual([
      {
        type: "azuread:index/privilegedAccessGroupEligibilitySchedule:PrivilegedAccessGroupEligibilitySchedule",
        name: "altinn-apps-abc-prod-operations-new.abc@ai-dev.no",
        action: "create",
        properties: expect.arrayContaining([
          { path: "expirationDate", before: null, after: "2027-03-31T22:00:00Z" },
          { path: "ticketNumber", before: null, after: "ALTINN-7" },
        ]),
      },
    ]);
    output.clear();
    await main(["--diff", "main", "--root", root, ...BASE_ARGS]);
    expect(output.stdout()).toMatch(
      /\+ create azuread:index\/privilegedAccessGroupEligibilitySchedule:PrivilegedAccessGroupEligibilitySchedule altinn-apps-abc-prod-operations-new\.abc@ai-dev\.no\n(\s+\S+: .*\n)*\s+ticketNumber: — → ALTINN-7\n/,
    );
  });

  // Graph refuses a schedule "update" (azuread re-sends adminAssign: RoleAssignmentExists, azuread #1412): a renewal,
  // a new reason or ticket replaces the schedule, the old one removed first (docs/design/entra-pim-decisions.md).
  it.each([
    [
      "a renewal",
      { expires: "2027-09-30" },
      [{ path: "expirationDate", before: "2027-06-30T22:00:00Z", after: "2027-09-30T22:00:00Z" }],
    ],
    [
      "a new ticket",
      { ticket: "ALTINN-2" },
      [
        { path: "justification", before: "stacks/abc.yaml: ALTINN-1", after: "stacks/abc.yaml: ALTINN-2" },
        { path: "ticketNumber", before: "ALTINN-1", after: "ALTINN-2" },
      ],
    ],
  ])("shows %s of a PIM grant as the schedule's replacement, deleted first", async (_, change, properties) => {
    const { root, write } = fleetRepository();
    const document = ownerDocument("abc");
    const [developerTt02, developerProd, operations] = document["access"] as Record<string, unknown>[];
    write(
      "stacks/abc.yaml",
      stringify({ ...document, access: [developerTt02, developerProd, { ...operations, ...change }] }),
    );
    const { code, json } = await diff(root);
    expect(code).toBe(0);
    expect(json.stacks.map((stack) => stack.stack)).toEqual(["abc-prod"]);
    expect(json.stacks[0]?.changes).toEqual([
      {
        type: "azuread:index/privilegedAccessGroupEligibilitySchedule:PrivilegedAccessGroupEligibilitySchedule",
        name: "altinn-apps-abc-prod-operations-ops.abc@ai-dev.brreg.no",
        action: "replace",
        deleteFirst: true,
        properties,
      },
    ]);
    output.clear();
    await main(["--diff", "main", "--root", root, ...BASE_ARGS]);
    expect(output.stdout()).toContain(
      "+- replace (delete first) azuread:index/privilegedAccessGroupEligibilitySchedule:PrivilegedAccessGroupEligibilitySchedule altinn-apps-abc-prod-operations-ops.abc@ai-dev.brreg.no\n",
    );
    expect(output.stdout()).toMatch(/0 to update, 1 to replace, 0 to delete/);
  });

  // The expiry sweep's pull request: the grant ended yesterday in Entra ID, and removing it deletes nothing.
  it("shows a PIM grant that ended and leaves the owner file as forgotten, not deleted", async () => {
    const { root, write } = fleetRepository();
    const document = ownerDocument("abc");
    const [developerTt02, , operations] = document["access"] as Record<string, unknown>[];
    write("stacks/abc.yaml", stringify({ ...document, access: [developerTt02, operations] }));
    const { code, json } = await diff(root, "--today", "2027-02-01");
    expect(code).toBe(0);
    expect(json.summary).toMatchObject({ passed: true, refusals: 0 });
    expect(json.stacks).toEqual([
      expect.objectContaining({
        stack: "abc-prod",
        status: "unchanged",
        changes: [],
        ended: [
          {
            name: "altinn-apps-abc-prod-developer-dev.abc@ai-dev.no",
            upn: "dev.abc@ai-dev.no",
            endedAt: "2027-01-31T23:00:00Z",
          },
        ],
      }),
    ]);
    output.clear();
    await main(["--diff", "main", "--root", root, ...BASE_ARGS, "--today", "2027-02-01"]);
    expect(output.stdout()).toContain(
      "  = altinn-apps-abc-prod-developer-dev.abc@ai-dev.no: ended in Entra ID at 2027-01-31T23:00:00Z; a deploy forgets it from the state and never deletes it",
    );
  });

  it("shows a member change in the membership model by UPN and name", async () => {
    const { root, write, read } = fleetRepository();
    write(
      "Pulumi.tt02.yaml",
      read("Pulumi.tt02.yaml").replace("altinn-apps:accessModel: pim", "altinn-apps:accessModel: membership"),
    );
    gitIn(root, "commit", "-qam", "membership in tt02");
    write("stacks/abc.yaml", withGrant("abc", { role: "developer", environment: "tt02" }));
    const { json } = await diff(root);
    expect(json.stacks[0]?.changes).toEqual([
      {
        type: "azuread:index/group:Group",
        name: "altinn-apps-abc-tt02-developer",
        action: "update",
        properties: [{ path: "members", before: null, after: "new.abc@ai-dev.no (Ny Person)" }],
      },
    ]);
  });

  it("a layer change selects only the layer's environment, folded into one line per change", async () => {
    const { root, write, read } = fleetRepository();
    write(
      "Pulumi.tt02.yaml",
      read("Pulumi.tt02.yaml").replace('kubernetesVersion: "1.33"', 'kubernetesVersion: "1.34"'),
    );
    const { code, json } = await diff(root);
    expect(code).toBe(0);
    expect(json.stacks.map((stack) => stack.stack)).toEqual(["abc-tt02", "xyz-tt02"]);
    // The apps pool follows the control plane's minor version (orchestratorVersion), in the same deploy.
    const bump = { action: "update", before: "1.33", after: "1.34", stacks: ["abc-tt02", "xyz-tt02"] };
    expect(json.folded).toEqual([
      { type: "azure-native:containerservice:ManagedCluster", path: "kubernetesVersion", ...bump },
      { type: "azure-native:containerservice:AgentPool", path: "orchestratorVersion", ...bump },
    ]);
    output.clear();
    await main(["--diff", "main", "--root", root, ...BASE_ARGS]);
    expect(output.stdout()).toMatch(/~ update ManagedCluster kubernetesVersion 1\.33 → 1\.34 on abc-tt02, xyz-tt02/);
  });

  it("onboards an owner that adopts what it already has: imports, not creates, and the plan JSON names each id", async () => {
    const { root, write } = fleetRepository();
    const subscription = subscriptionOf("mig", "prod");
    const group = `/subscriptions/${subscription}/resourceGroups`;
    const adopt = {
      clusterResourceGroup: `${group}/altinnapps-mig-prod-rg`,
      keyVault: `${group}/altinnapps-mig-prod-rg/providers/Microsoft.KeyVault/vaults/mig-prod-apps-kv`,
      logAnalyticsWorkspace: `${group}/monitor-mig-prod-rg/providers/Microsoft.OperationalInsights/workspaces/application-mig-prod-law`,
      developerGroup: "0d6a7b3c-1e2f-4a5b-8c9d-0e1f2a3b4c5d",
    };
    const document = ownerDocument("mig");
    const environments = document["environments"] as Record<string, Record<string, unknown>>;
    write(
      "stacks/mig.yaml",
      stringify({ ...document, environments: { ...environments, prod: { ...environments["prod"], adopt } } }),
    );
    const { code, json } = await diff(root);
    expect(code).toBe(0);
    const mig = json.stacks.find((stack) => stack.stack === "mig-prod");
    const actionOf = (name: string) => mig?.changes.find((change) => change.name === name)?.action;
    expect(actionOf("altinnapps-mig-prod-rg")).toBe("import");
    expect(actionOf("mig-prod-apps-kv")).toBe("import");
    expect(actionOf("application-mig-prod-law")).toBe("import");
    expect(actionOf("altinn-apps-mig-prod-developer")).toBe("import");
    expect(actionOf("monitor-mig-prod-rg")).toBe("create");
    expect(actionOf("mig-prod-aks")).toBe("create");

    output.clear();
    expect(await main(["--stack", "mig-prod", "--root", root, "--format", "json", ...BASE_ARGS])).toBe(0);
    const plan = JSON.parse(output.stdout()) as { stacks: { resources: { name: string; import?: string }[] }[] };
    const importOf = (name: string) => plan.stacks[0]?.resources.find((resource) => resource.name === name)?.import;
    expect(importOf("mig-prod-apps-kv")).toBe(adopt.keyVault);
    expect(importOf("altinn-apps-mig-prod-developer")).toBe(`/groups/${adopt.developerGroup}`);
    expect(importOf("mig-prod-aks")).toBeUndefined();
  });

  it("a change that alters no plan selects nothing, and says so", async () => {
    const { root, write } = fleetRepository();
    write("infra/naming.test.ts", "// a test changed\n");
    write("README.md", "docs\n");
    const { code, json } = await diff(root);
    expect(code).toBe(0);
    expect(json.stacks).toEqual([]);
    output.clear();
    expect(await main(["--changed-since", "main", "--list", "--root", root, ...BASE_ARGS])).toBe(0);
    expect(JSON.parse(output.stdout())).toEqual({ all: [], tt02: [], prod: [] });
    output.clear();
    await main(["--diff", "main", "--root", root, ...BASE_ARGS]);
    expect(output.stdout()).toMatch(/no owner file, stack file, layer or code changed: 0 of 0/);
    expect(output.stdout()).toMatch(/No stack's plan changes\./);
  });

  it("selects a stack whose Pulumi stack file changed, though its plan does not", async () => {
    const { root, write } = fleetRepository();
    write("stacks/Pulumi.xyz-prod.yaml", "secretsprovider: azurekeyvault://vault/keys/state\n");
    const { json } = await diff(root);
    expect(json.stacks.map((stack) => [stack.stack, stack.status, stack.changes])).toEqual([
      ["xyz-prod", "unchanged", []],
    ]);
    output.clear();
    expect(await main(["--changed-since", "main", "--list", "--root", root, ...BASE_ARGS])).toBe(0);
    expect(JSON.parse(output.stdout())).toEqual({ all: ["xyz-prod"], tt02: [], prod: ["xyz-prod"] });
  });

  it("refuses to replace a protected resource, saying what to do instead", async () => {
    const { root, write, read } = fleetRepository();
    write("Pulumi.prod.yaml", read("Pulumi.prod.yaml").replace("egressPrefixLength: 30", "egressPrefixLength: 29"));
    const { code, json } = await diff(root);
    expect(code).toBe(1);
    const abc = json.stacks.find((stack) => stack.stack === "abc-prod");
    // Azure refuses a new length for an allocated prefix: an update it refuses, not a replacement.
    expect(abc?.changes).toContainEqual({
      type: "azure-native:network:PublicIPPrefix",
      name: "abc-prod-egress-ippre",
      action: "update",
      properties: [{ path: "prefixLength", before: 30, after: 29 }],
    });
    expect(abc?.refusals).toEqual([
      // The prefix length is also a field an existing stack can never change (infra/changeRules.ts).
      expect.stringMatching(
        /^abc-prod: Pulumi\.<env>\.yaml altinn-apps:network\.egressPrefixLength changes from 30 to 29/,
      ),
      expect.stringMatching(
        /^abc-prod: azure-native:network:PublicIPPrefix abc-prod-egress-ippre cannot be changed this way, because prefixLength \(fixed when the prefix is allocated.*\)\. Instead: revert this change/,
      ),
    ]);
  });

  it("refuses a system pool change that the existing cluster would silently ignore", async () => {
    const { root, write, read } = fleetRepository();
    write(
      "Pulumi.prod.yaml",
      read("Pulumi.prod.yaml").replace("systemPoolVmSize: Standard_D4s_v5", "systemPoolVmSize: Standard_D8s_v5"),
    );
    const { code, json } = await diff(root);
    expect(code).toBe(1);
    const abc = json.stacks.find((stack) => stack.stack === "abc-prod");
    // The cluster ignores agentPoolProfiles after creation (ignoreChanges): Pulumi would change nothing.
    expect(abc?.changes).toEqual([]);
    expect(abc?.refusals).toEqual([
      expect.stringMatching(
        /^abc-prod: cluster\.systemPoolVmSize, .* which an existing stack cannot do: .*Instead: add a system pool/,
      ),
    ]);
    expect(json.summary).toMatchObject({ selected: 2, refusals: 2, passed: false });
  });

  it("refuses a subscription change of an existing stack", async () => {
    const { root, write } = fleetRepository();
    const document = ownerDocument("abc");
    const environments = document["environments"] as Record<string, unknown>;
    write(
      "stacks/abc.yaml",
      stringify({
        ...document,
        environments: { ...environments, tt02: { subscriptionId: "33333333-3333-4333-8333-333333333333" } },
      }),
    );
    const { code, json } = await diff(root);
    expect(code).toBe(1);
    const tt02 = json.stacks.find((stack) => stack.stack === "abc-tt02");
    expect(tt02?.refusals[0]).toMatch(
      /^abc-tt02: stacks\/<org>\.yaml environments\.<env>\.subscriptionId changes from [0-9a-f-]{36} to 33333333-3333-4333-8333-333333333333, which an existing stack cannot do: .*Instead: create the new environment as a new stack/,
    );
    expect(tt02?.changes).toContainEqual(
      expect.objectContaining({ type: "pulumi:providers:azure-native", action: "replace" }),
    );
  });

  it("reports a removed owner and a removed environment as left unmanaged, failing unless decommissioning is approved", async () => {
    const { root, write } = fleetRepository();
    rmSync(path.join(root, "stacks/xyz.yaml"));
    const document = ownerDocument("abc");
    write(
      "stacks/abc.yaml",
      stringify({
        ...document,
        environments: { tt02: (document["environments"] as Record<string, unknown>)["tt02"] },
        access: (document["access"] as { environment: string }[]).filter((grant) => grant.environment === "tt02"),
      }),
    );
    const { code, json } = await diff(root);
    expect(code).toBe(1);
    expect(json.stacks.filter((stack) => stack.status === "unmanaged").map((stack) => stack.stack)).toEqual([
      "abc-prod",
      "xyz-tt02",
      "xyz-prod",
    ]);
    output.clear();
    await main(["--diff", "main", "--root", root, ...BASE_ARGS]);
    expect(output.stdout()).toMatch(
      /xyz-prod: its owner file or environment was removed: the stack would be left unmanaged .*follow the decommissioning recipe \(docs\/tasks\/decommission\.md\), then approve with --allow-decommission/,
    );
    expect((await diff(root, "--allow-decommission")).code).toBe(0);
  });

  it("a committed rename of an owner file (git mv and the org changed) leaves the old owner's stacks unmanaged", async () => {
    const { root, write } = fleetRepository();
    gitIn(root, "checkout", "-q", "-b", "rename");
    gitIn(root, "mv", "stacks/xyz.yaml", "stacks/xyq.yaml");
    write("stacks/xyq.yaml", stringify(ownerDocument("xyq")));
    gitIn(root, "commit", "-q", "-am", "rename xyz to xyq");
    const { code, json } = await diff(root);
    expect(code).toBe(1);
    expect(json.stacks.filter((stack) => stack.status === "unmanaged").map((stack) => stack.stack)).toEqual([
      "xyz-tt02",
      "xyz-prod",
    ]);
  });

  it("exits 2 on a ref that is not a commit", async () => {
    const { root } = fleetRepository();
    expect(await runCli("plan", main, ["--diff", "no-such-ref", "--root", root, ...BASE_ARGS])).toBe(2);
    expect(output.stderr()).toMatch(/"no-such-ref" is not a commit/);
  });

  it("evaluates the base with its own code in a worktree, sharing node_modules when the lockfile is the same", async () => {
    const { root, write } = fleetRepository();
    for (const entry of [
      "access",
      "cli",
      "files",
      "infra",
      "onboarding",
      "plan",
      "policies",
      "report",
      "repository",
      "review",
      "runtime",
      "tooling",
      "validation",
      "contracts",
      "deploy",
      "scripts",
      "package.json",
      "package-lock.json",
      "Pulumi.yaml",
    ])
      cpSync(path.join(REPO_ROOT, entry), path.join(root, entry), {
        recursive: true,
        filter: (source) => !source.includes("node_modules"),
      });
    symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
    write(".gitignore", "node_modules\ndist\n");
    // The base's program tags differently from the working tree's: only the base's own code explains the diff.
    write(
      "infra/model/stackName.ts",
      readFileSync(path.join(root, "infra/model/stackName.ts"), "utf8").replace(
        '"managed-by": "pulumi"',
        '"managed-by": "pulumi-old"',
      ),
    );
    gitIn(root, "add", "-A");
    gitIn(root, "commit", "-q", "-m", "code");
    write("stacks/abc.yaml", withGrant("abc", { role: "developer", environment: "tt02" }));
    const { json } = await diff(root, "--stack", "abc-tt02");
    expect(json.base.evaluation).toEqual({ code: "own" });
    const tags = json.stacks[0]?.changes
      .flatMap((change) => change.properties)
      .filter((property) => property.path === "tags.managed-by");
    expect(tags?.[0]).toEqual({ path: "tags.managed-by", before: "pulumi-old", after: "pulumi" });
    expect(json.stacks[0]?.changes).toContainEqual(
      expect.objectContaining({ action: "create", name: "altinn-apps-abc-tt02-developer-new.abc@ai-dev.no" }),
    );
  });
});
