import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { ownerDocument, ownerYaml, subscriptionOf } from "../test/support/fleet";
import { runCli } from "../cli/cli";
import { captureOutput } from "../test/support/output";
import { committedRepository, gitIn } from "../test/support/repository";
import { main as plan } from "./plan";
import { main } from "./validate";

const output = captureOutput();

function setVersion(root: string, environment: string, version: string): void {
  const file = path.join(root, `Pulumi.${environment}.yaml`);
  writeFileSync(
    file,
    readFileSync(file, "utf8").replace(/kubernetesVersion: "[^"]+"/, `kubernetesVersion: "${version}"`),
  );
}

const run = (root: string, ...extra: string[]) => main(["--root", root, "--today", "2026-11-23", ...extra]);

describe("Kubernetes version rules", () => {
  it("refuses prod ahead of tt02, in the layers and in an owner's override", () => {
    const root = committedRepository([
      ownerYaml("abc", {
        environments: {
          tt02: { subscriptionId: subscriptionOf("abc", "tt02") },
          prod: { subscriptionId: subscriptionOf("abc", "prod"), cluster: { kubernetesVersion: "1.34" } },
        },
      }),
    ]);
    expect(run(root)).toBe(1);
    expect(output.stdout()).toMatch(
      /^stacks\/abc\.yaml:\d+:\d+: environments\.prod\.cluster\.kubernetesVersion: prod would run Kubernetes 1\.34, ahead of tt02 \(1\.33\): upgrade tt02 first/m,
    );
    output.clear();
    setVersion(root, "prod", "1.34");
    setVersion(root, "tt02", "1.34");
    expect(run(root)).toBe(0);
    setVersion(root, "prod", "1.35");
    output.clear();
    expect(run(root)).toBe(1);
    expect(output.stdout()).toMatch(
      /^Pulumi\.prod\.yaml:15:24: config\.altinn-apps:cluster\.kubernetesVersion: prod would run Kubernetes 1\.35, ahead of tt02 \(1\.34\)/m,
    );
  });

  it("with --base, refuses a version that goes down or skips a minor", () => {
    const root = committedRepository([ownerYaml("abc")]);
    setVersion(root, "tt02", "1.35");
    expect(run(root, "--base", "main")).toBe(1);
    expect(output.stdout()).toMatch(
      /^Pulumi\.tt02\.yaml:\d+:\d+: config\.altinn-apps:cluster\.kubernetesVersion: Kubernetes may not skip a minor version \(1\.33 → 1\.35 in tt02\): AKS upgrades one minor at a time; go to 1\.34 first$/m,
    );
    // Without --base, a layer changed in the working tree is checked against the last commit.
    output.clear();
    expect(run(root)).toBe(1);
    expect(output.stdout()).toMatch(
      /Pulumi\.tt02\.yaml:\d+:\d+: .*Kubernetes may not skip a minor version \(1\.33 → 1\.35 in tt02\)/,
    );
    setVersion(root, "tt02", "1.32");
    setVersion(root, "prod", "1.32");
    output.clear();
    expect(run(root, "--base", "main")).toBe(1);
    expect(output.stdout()).toMatch(
      /Pulumi\.prod\.yaml:\d+:\d+: .*Kubernetes may not go down \(1\.33 → 1\.32 in prod\)/,
    );
    expect(output.stdout()).toMatch(
      /Pulumi\.tt02\.yaml:\d+:\d+: .*Kubernetes may not go down \(1\.33 → 1\.32 in tt02\)/,
    );
  });

  it("with --base, checks an owner's own override over time", () => {
    const root = committedRepository([ownerYaml("abc")]);
    const document = ownerDocument("abc", {
      environments: {
        tt02: { subscriptionId: subscriptionOf("abc", "tt02"), cluster: { kubernetesVersion: "1.31" } },
        prod: { subscriptionId: subscriptionOf("abc", "prod"), cluster: { kubernetesVersion: "1.31" } },
      },
    });
    writeFileSync(path.join(root, "stacks/abc.yaml"), stringify(document));
    expect(run(root, "--base", "main")).toBe(1);
    expect(output.stdout()).toMatch(
      /^stacks\/abc\.yaml:\d+:\d+: environments\.tt02\.cluster\.kubernetesVersion: Kubernetes may not go down \(1\.33 → 1\.31 in tt02\)/m,
    );
  });

  it("plain validate checks only what the working tree changed, against the last commit", () => {
    const root = committedRepository([ownerYaml("abc")]);
    setVersion(root, "tt02", "1.35");
    gitIn(root, "commit", "-qam", "skip a minor");
    // Committed: the working tree holds no change, so only --base (as in the pull request) compares.
    expect(run(root)).toBe(0);
    expect(run(root, "--base", "main~1")).toBe(1);
  });

  it("plan --diff refuses a skipped minor, naming the command that shows it with its line", async () => {
    const root = committedRepository([ownerYaml("abc")]);
    setVersion(root, "tt02", "1.35");
    const args = ["--root", root, "--today", "2026-11-23", "--diff", "main", "--workers", "1", "--no-cache"];
    expect(await plan(args)).toBe(1);
    expect(output.stdout()).toMatch(
      /^REFUSED: Pulumi\.tt02\.yaml:\d+:\d+: config\.altinn-apps:cluster\.kubernetesVersion: Kubernetes may not skip a minor version \(1\.33 → 1\.35 in tt02\).* \(npm run validate -- --base main\)$/m,
    );
    expect(output.stdout()).toMatch(/1 refused.*: FAIL$/m);
    output.clear();
    expect(await plan([...args, "--format", "json"])).toBe(1);
    expect(JSON.parse(output.stdout())).toMatchObject({
      versionProblems: [{ file: "Pulumi.tt02.yaml" }],
      summary: { passed: false },
    });
  });

  it("exits 2 on a base that is not a commit", async () => {
    const root = committedRepository([ownerYaml("abc")]);
    expect(await runCli("validate", main, ["--root", root, "--base", "nope"])).toBe(2);
    expect(output.stderr()).toMatch(/^validate: "nope" is not a commit/m);
  });
});
