import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { captureOutput } from "../test/support/output";
import { readFleetSources } from "../files/fleetReader";
import { stacksAffectedBy } from "../plan/engine/select";
import { changedFilesSince } from "../repository/git";
import { REPO_ROOT } from "../repository/root";
import { ownerYaml } from "../test/support/fleet";
import { writeRepository } from "../test/support/repository";
import { main } from "./plan";

const output = captureOutput();

interface PlanJson {
  stacks: {
    stack: string;
    owner: string;
    environment: string;
    resources: { type: string; name: string; inputs: Record<string, unknown> }[];
    members: { group: string; upn: string; expires: string | null }[];
    violations: { policy: string; level: string; message: string; urn: string }[];
    contractViolations: { property: string; rule: string; source: string; message: string }[];
    error?: string;
  }[];
  summary: { stacks: number; passed: boolean; mandatoryViolations: number; errors: number };
}

describe("npm run plan", () => {
  it("passes the sample fleet: every owner and environment, as JSON of the documented shape", async () => {
    expect(await main(["--format", "json", "--today", "2026-11-23"])).toBe(0);
    const plan = JSON.parse(output.stdout()) as PlanJson;
    expect(plan.stacks.map((stack) => stack.stack)).toEqual([
      "brg-tt02",
      "brg-prod",
      "digdir-tt02",
      "digdir-prod",
      "krt-tt02",
      "krt-prod",
      "nav-tt02",
      "skd-tt02",
      "skd-prod",
      "ttd-tt02",
      "ttd-prod",
    ]);
    expect(plan.summary).toMatchObject({ stacks: 11, passed: true, mandatoryViolations: 0, errors: 0 });
    const digdir = plan.stacks.find((stack) => stack.stack === "digdir-prod");
    expect(digdir).toMatchObject({ owner: "digdir", environment: "prod", violations: [] });
    expect(digdir?.resources).toContainEqual(
      expect.objectContaining({ type: "azure-native:keyvault:Vault", name: "digdir-prod-apps-kv" }),
    );
    expect(digdir?.members).toContainEqual({
      group: "Altinn Apps digdir Prod Developer",
      upn: "ola.hansen@ai-dev.no",
      name: "Ola Hansen",
      expires: "2027-06-30",
      access: "assignment",
      endsAt: "2027-06-30T22:00:00Z",
    });
    expect(digdir?.members).toContainEqual({
      group: "Altinn Apps digdir Prod Operations",
      upn: "kari.nordmann@ai-dev.no",
      name: "Kari Nordmann",
      expires: "2027-10-31",
      access: "eligibility",
      endsAt: "2027-10-31T23:00:00Z",
    });
    for (const stack of plan.stacks) {
      // The sample fleet plans clean against the providers' contracts (issue 23): the JSON lists them, empty.
      expect(stack.contractViolations).toEqual([]);
      expect(Object.keys(stack).sort()).toEqual([
        "contractViolations",
        "environment",
        "members",
        "outputs",
        "owner",
        "resources",
        "simulated",
        "stack",
        "violations",
      ]);
    }
  });

  it("shows per stack each person's PIM assignment or eligibility with its end, as text and markdown", async () => {
    expect(await main(["--stack", "digdir-prod", "nav-tt02", "--today", "2026-11-23"])).toBe(0);
    expect(output.stdout()).toContain(
      "    Altinn Apps digdir Prod Operations: kari.nordmann@ai-dev.no (Kari Nordmann), PIM eligible (activate just-in-time), until 2027-10-31 (ends 2027-10-31T23:00:00Z)\n",
    );
    expect(output.stdout()).toContain(
      "    Altinn Apps nav Test Developer: lene.haugen@ai-dev.no (Lene Haugen), PIM assignment, no end date\n",
    );
    output.clear();
    expect(await main(["--stack", "digdir-prod", "--today", "2026-11-23", "--format", "markdown"])).toBe(0);
    expect(output.stdout()).toMatch(
      /\n### Access\n\n\| stack \| group \| user \| name \| access \|\n\|---\|---\|---\|---\|---\|\n\| `digdir-prod` \| Altinn Apps digdir Prod Operations \| `kari\.nordmann@ai-dev\.no` \| Kari Nordmann \| PIM eligible/,
    );
  });

  it("fails a fleet with a prod owner lacking accepted terms, naming the violation", async () => {
    const root = writeRepository([ownerYaml("abc"), ownerYaml("xyz", { termsOfUse: undefined })]);
    expect(await main(["--root", root, "--today", "2026-11-23"])).toBe(1);
    expect(output.stdout()).toMatch(/^xyz-prod: FAIL \(28 mandatory, 0 advisory\)$/m);
    expect(output.stdout()).toMatch(
      /\[mandatory\] prod-requires-accepted-terms \(28 resource\(s\)\): xyz may not have prod resources until the terms of use are accepted: no termsOfUse record/,
    );
    expect(output.stdout()).toMatch(/^abc-prod: pass$/m);
    expect(output.stdout()).toMatch(/FAIL\n$/);
  });

  it("reports an invalid owner file as an error of its stacks, with positions", async () => {
    const root = writeRepository([ownerYaml("abc", { contact: "nope" })]);
    expect(await main(["--root", root, "--format", "markdown", "--today", "2026-11-23"])).toBe(1);
    expect(output.stdout()).toMatch(/^## Plan: ❌ fail/);
    expect(output.stdout()).toMatch(
      /\| `abc-tt02` \| error \| program \| {2}\| stack abc\\-tt02 has invalid configuration\\:<br>stacks\/abc\\\.yaml\\:\d+\\:\d+\\: contact\\: must be an e\\-mail address \|/,
    );
  });

  it("lists the selected stacks by environment for CI matrices, without planning", async () => {
    expect(await main(["--list", "--stack", "nav-tt02", "brg-prod"])).toBe(0);
    expect(JSON.parse(output.stdout())).toEqual({
      all: ["nav-tt02", "brg-prod"],
      tt02: ["nav-tt02"],
      prod: ["brg-prod"],
    });
  });

  it("can plan the first preview of a new stack, where computed values are unknown", async () => {
    expect(await main(["--stack", "digdir-prod", "--first-preview", "--today", "2026-11-23"])).toBe(0);
    expect(output.stdout()).toMatch(/^digdir-prod: pass \(7 advisory\)$/m);
    expect(output.stdout()).toMatch(/\[advisory\] aks-hardened \(1 resource\(s\)\): can't run policy 'aks-hardened'/);
  });

  it("plans only the named stacks", async () => {
    expect(await main(["--stack", "nav-tt02", "--format", "json", "--today", "2026-11-23"])).toBe(0);
    expect((JSON.parse(output.stdout()) as PlanJson).stacks.map((stack) => stack.stack)).toEqual(["nav-tt02"]);
  });

  it("lists the ids the mocks invented (group object ids, identities, users) as simulated, and no id the program derives", async () => {
    expect(await main(["--stack", "digdir-prod", "--format", "json", "--today", "2026-11-23", "--no-cache"])).toBe(0);
    const [plan] = (
      JSON.parse(output.stdout()) as PlanJson & { stacks: { simulated: string[]; outputs: Record<string, string> }[] }
    ).stacks;
    const simulated = new Set(plan?.simulated);
    expect(simulated.has(plan?.outputs["developerGroupObjectId"] ?? "")).toBe(true);
    expect(simulated.has(plan?.outputs["appIdentityClientId"] ?? "")).toBe(true);
    const assignmentNames = (plan?.resources ?? [])
      .filter((resource) => resource.type === "azure-native:authorization:RoleAssignment")
      .map((resource) => String(resource.inputs["roleAssignmentName"]));
    expect(assignmentNames.length).toBeGreaterThan(0);
    for (const name of assignmentNames) expect(simulated.has(name)).toBe(false);
  });
});

describe("--changed-since", () => {
  const sources = readFleetSources(REPO_ROOT);

  it("selects the stacks of changed owner files, or every stack when shared code or a layer changed", () => {
    expect(stacksAffectedBy(["stacks/brg.yaml", "README.md"], sources).stacks).toEqual(["brg-tt02", "brg-prod"]);
    expect(stacksAffectedBy(["stacks/nav.yaml", "stacks/Pulumi.nav-tt02.yaml"], sources).stacks).toEqual(["nav-tt02"]);
    expect(stacksAffectedBy(["stacks/Pulumi.brg-prod.yaml"], sources).stacks).toEqual(["brg-prod"]);
    expect(stacksAffectedBy(["Pulumi.prod.yaml"], sources).stacks).toEqual([
      "brg-prod",
      "digdir-prod",
      "krt-prod",
      "skd-prod",
      "ttd-prod",
    ]);
    expect(stacksAffectedBy(["infra/components/cluster.ts"], sources).stacks).toHaveLength(11);
    expect(stacksAffectedBy(["README.md", "test/x.test.ts", "infra/naming.test.ts"], sources).stacks).toEqual([]);
  });

  it("reads the change from git, committed or not", () => {
    const root = writeRepository([ownerYaml("abc"), ownerYaml("xyz")]);
    const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" });
    git("init", "-q", "-b", "main");
    git("-c", "user.name=t", "-c", "user.email=t@example.no", "commit", "-q", "--allow-empty", "-m", "base");
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@example.no", "commit", "-q", "-m", "fleet");
    writeFileSync(path.join(root, "stacks/xyz.yaml"), `${ownerYaml("xyz").text}# touched\n`);
    writeFileSync(path.join(root, "notes.md"), "new\n");
    expect(changedFilesSince(root, "HEAD")).toEqual(["notes.md", "stacks/xyz.yaml"]);
    expect(stacksAffectedBy(changedFilesSince(root, "HEAD"), readFleetSources(root)).stacks).toEqual([
      "xyz-tt02",
      "xyz-prod",
    ]);
  });
});
