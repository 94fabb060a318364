import { describe, expect, it } from "vitest";
import { changeKind, codeChanges, commitsNeedingPlans, decideDeployments, type ConvergenceInput } from "./convergence";

const MAIN = "m".repeat(40);
const OLD = "a".repeat(40);
const OLDER = "b".repeat(40);
const STACKS = ["brg-tt02", "brg-prod", "digdir-tt02", "digdir-prod", "ttd-tt02"];

/** Every stack deployed at main; each test moves one thing. */
const atMain: ConvergenceInput = {
  main: MAIN,
  stacks: STACKS,
  deployed: Object.fromEntries(STACKS.map((stack) => [stack, MAIN])),
  since: {},
};
const verdicts = (input: ConvergenceInput) =>
  Object.fromEntries(decideDeployments(input).map((decision) => [decision.stack, decision.verdict]));

describe("what a changed file means for the deployed stacks", () => {
  it.each([
    ["stacks/digdir.yaml", "data"],
    ["stacks/Pulumi.digdir-prod.yaml", "data"],
    ["Pulumi.tt02.yaml", "data"],
    ["Pulumi.prod.yaml", "data"],
    ["README.md", "inert"],
    ["docs/operations/runbooks.md", "inert"],
    ["infra/naming.test.ts", "inert"],
    [".github/workflows/deploy.yml", "inert"],
    ["bootstrap/platform.ts", "inert"],
    ["scripts/plan.ts", "inert"],
    ["infra/naming.ts", "code"],
    ["policies/policies.ts", "code"],
    ["plan/engine/select.ts", "code"],
    ["package-lock.json", "code"],
    ["package.json", "code"],
    [".pulumi-version", "code"],
    ["tsconfig.json", "code"],
    ["Pulumi.yaml", "code"],
    [".npmrc", "code"],
    ["stacks/nested/x.yaml", "code"],
    ["something-new/index.ts", "code"],
  ])("%s is %s", (file, kind) => {
    expect(changeKind(file)).toBe(kind);
  });
});

describe("which stacks a deploy run deploys", () => {
  it("deploys nothing when every stack is at main", () => {
    expect(decideDeployments(atMain).every((decision) => decision.verdict === "current")).toBe(true);
  });

  it("deploys a stack never deployed (no tag), and one whose commit main does not know", () => {
    const input = { ...atMain, deployed: { ...atMain.deployed, "brg-tt02": undefined, "ttd-tt02": OLD } };
    expect(verdicts(input)).toMatchObject({ "brg-tt02": "deploy", "ttd-tt02": "deploy", "digdir-prod": "current" });
    expect(decideDeployments(input).find((decision) => decision.stack === "ttd-tt02")?.reason).toBe(
      "deployed at aaaaaaa, which is not in main's history",
    );
  });

  it("deploys every stack behind main when code or dependencies changed, even with no plan difference", () => {
    const input: ConvergenceInput = {
      ...atMain,
      deployed: Object.fromEntries(STACKS.map((stack) => [stack, OLD])),
      since: { [OLD]: { changedFiles: ["package-lock.json", "README.md"], planDiffers: [] } },
    };
    expect(Object.values(verdicts(input))).toEqual(STACKS.map(() => "deploy"));
    expect(decideDeployments(input)[0]?.reason).toBe("code or dependencies changed since aaaaaaa (package-lock.json)");
  });

  it("deploys a stack behind main whose plan differs; one whose plan does not is equivalent", () => {
    const input: ConvergenceInput = {
      ...atMain,
      deployed: { ...atMain.deployed, "digdir-tt02": OLD, "digdir-prod": OLD, "brg-prod": OLD },
      since: { [OLD]: { changedFiles: ["stacks/digdir.yaml"], planDiffers: ["digdir-tt02", "digdir-prod"] } },
    };
    expect(verdicts(input)).toEqual({
      "brg-tt02": "current",
      "brg-prod": "equivalent",
      "digdir-tt02": "deploy",
      "digdir-prod": "deploy",
      "ttd-tt02": "current",
    });
  });

  it("converges a stack whose deploy failed or was cancelled: still at its old commit, it is selected again", () => {
    // Run 1 deployed digdir at main except digdir-prod, which failed: its tag is still the older commit.
    const input: ConvergenceInput = {
      ...atMain,
      deployed: { ...atMain.deployed, "digdir-prod": OLDER },
      since: { [OLDER]: { changedFiles: ["stacks/digdir.yaml", "docs/x.md"], planDiffers: ["digdir-prod"] } },
    };
    expect(verdicts(input)["digdir-prod"]).toBe("deploy");
  });

  it("deploys when the plan difference since a commit was not computed (fail-safe)", () => {
    const input: ConvergenceInput = {
      ...atMain,
      deployed: { ...atMain.deployed, "brg-tt02": OLD },
      since: { [OLD]: { changedFiles: ["stacks/brg.yaml"] } },
    };
    expect(verdicts(input)["brg-tt02"]).toBe("deploy");
  });

  it("needs plans only for the deployed commits with no code change since", () => {
    const deployed = { a: OLD, b: OLDER, c: MAIN, d: undefined, e: "c".repeat(40) };
    const files: Record<string, string[]> = { [OLD]: ["stacks/x.yaml"], [OLDER]: ["infra/naming.ts"] };
    expect(commitsNeedingPlans(deployed, MAIN, (commit) => files[commit])).toEqual([OLD]);
    expect(codeChanges(["docs/a.md", "infra/a.ts"])).toEqual(["infra/a.ts"]);
  });
});
