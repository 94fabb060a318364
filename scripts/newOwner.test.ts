import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { captureOutput } from "../test/support/output";
import { validateFleet } from "../infra/model/fleet";
import { fleetOf, ownerSource, TODAY } from "../test/support/fleet";
import { writeRepository } from "../test/support/repository";
import { parse } from "yaml";
import { runCli } from "../cli/cli";
import { SHIPPED_ORG_REGISTRY } from "../onboarding/newOwner";
import { REPO_ROOT } from "../repository/root";
import { main } from "./newOwner";

const REGISTRY = path.join(REPO_ROOT, SHIPPED_ORG_REGISTRY);

const output = captureOutput();

describe("npm run new-owner", () => {
  it("scaffolds a production owner from the registry, with placeholders that fail validation until filled", async () => {
    const root = writeRepository([]);
    expect(await main(["dat", "--registry", REGISTRY, "--root", root])).toBe(0);
    const text = readFileSync(path.join(root, "stacks/dat.yaml"), "utf8");
    expect(text).toMatch(/^org: dat$/m);
    expect(text).toMatch(/^ {2}nb: "Arbeidstilsynet"$/m);
    expect(text).toMatch(/^orgNumber: "974761211"$/m);
    expect(text).toMatch(/^ {2}tt02:\n {4}subscriptionId: REPLACE-with-the-id-of-Altinn-dat-Test$/m);
    expect(text).toMatch(/^ {2}prod:\n {4}subscriptionId: REPLACE-with-the-id-of-Altinn-dat-Prod$/m);
    expect(output.stdout()).toMatch(/accepts the terms of use/);
    const stepNumbers = output
      .stdout()
      .split("\n")
      .filter((line) => /^\s*\d+\. /.test(line))
      .map((line) => Number.parseInt(line, 10));
    expect(stepNumbers).toEqual(stepNumbers.map((_, index) => index + 1));
    expect(
      output
        .stdout()
        .split("\n")
        .filter((line) => line.startsWith(" ")),
    ).toEqual([]);
    // The terms block is there to fill in, commented out: an unfilled acceptance is no acceptance.
    expect(text).toMatch(/^# termsOfUse: .*\n# {3}version: "2025-1"\n# {3}acceptedAt: YYYY-MM-DD\n/m);
    expect(parse(text)).not.toHaveProperty("termsOfUse");

    const problems = validateFleet(fleetOf(ownerSource("dat", text)), TODAY).problems;
    expect(problems.map((problem) => problem.path).sort()).toEqual([
      "contact",
      "environments.prod.subscriptionId",
      "environments.tt02.subscriptionId",
    ]);
    const filled = text
      .replace("REPLACE-with-the-owner's-contact-e-mail", "post@arbeidstilsynet.no")
      .replace("REPLACE-with-the-id-of-Altinn-dat-Test", "11111111-1111-4111-8111-111111111111")
      .replace("REPLACE-with-the-id-of-Altinn-dat-Prod", "22222222-2222-4222-8222-222222222222");
    expect(validateFleet(fleetOf(ownerSource("dat", filled)), TODAY).problems).toEqual([]);
  });

  it("maps registry environments: tt02 only, and a test owner without an organisation number", async () => {
    const root = writeRepository([]);
    expect(await main(["nav", "--registry", REGISTRY, "--root", root])).toBe(0);
    const nav = readFileSync(path.join(root, "stacks/nav.yaml"), "utf8");
    expect(nav).toMatch(/^ {2}tt02:/m);
    expect(nav).not.toMatch(/^ {2}prod:/m);
    expect(output.stdout()).not.toMatch(/terms of use/);
    expect(await main(["ttd", "--registry", REGISTRY, "--root", root])).toBe(0);
    expect(readFileSync(path.join(root, "stacks/ttd.yaml"), "utf8")).toMatch(/^testOwner: true/m);
  });

  it("without network, names the registry file this repository ships, which works", async () => {
    const root = writeRepository([]);
    const offline = ["dat", "--registry", "http://127.0.0.1:9/altinn-orgs.json", "--root", root];
    expect(await runCli("newOwner", main, offline)).toBe(1);
    const shipped = output.stderr().match(/--registry (\S+)\n/)?.[1];
    expect(shipped).toBe(SHIPPED_ORG_REGISTRY);
    expect(await main(["dat", "--registry", path.join(REPO_ROOT, SHIPPED_ORG_REGISTRY), "--root", root])).toBe(0);
  });

  it("refuses an existing owner file, an org the registry does not know, and a bad org code", async () => {
    const root = writeRepository([]);
    expect(await main(["brg", "--registry", REGISTRY, "--root", root])).toBe(0);
    expect(await main(["brg", "--registry", REGISTRY, "--root", root])).toBe(1);
    expect(output.stderr()).toMatch(/stacks\/brg.yaml already exists/);
    expect(await main(["zzz", "--registry", REGISTRY, "--root", root])).toBe(1);
    expect(output.stderr()).toMatch(/"zzz" is not in the org registry/);
    expect(await main(["Bad-Org", "--registry", REGISTRY, "--root", root])).toBe(2);
  });
});
