import { execFileSync } from "node:child_process";
import { mkdtempSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { captureOutput } from "../test/support/output";
import { runCli } from "../cli/cli";
import { REPO_ROOT } from "../repository/root";
import { stringify } from "yaml";
import { ACCEPTED_TERMS, ownerDocument, ownerSource, subscriptionOf, TODAY } from "../test/support/fleet";
import { writeRepository } from "../test/support/repository";
import { main } from "./validate";

function copyOfRepository(): string {
  const root = mkdtempSync(path.join(tmpdir(), "validate-"));
  for (const entry of ["stacks", "Pulumi.tt02.yaml", "Pulumi.prod.yaml"]) {
    cpSync(path.join(REPO_ROOT, entry), path.join(root, entry), { recursive: true });
  }
  return root;
}

describe("npm run validate", () => {
  const output = captureOutput();

  it("prints ok and exits 0 for the sample fleet", () => {
    expect(main(["--today", "2026-11-23"])).toBe(0);
    expect(output.stdout()).toBe("ok: 6 owner file(s) and 2 environment layers are valid\n");
  });

  it("exits 1 with every problem, sorted, as text and as JSON", () => {
    const root = copyOfRepository();
    const digdir = path.join(root, "stacks/digdir.yaml");
    writeFileSync(digdir, "org: digdir\ncontact: nope\nsurprise: true\n");
    expect(main(["--root", root, "--today", "2026-11-23"])).toBe(1);
    expect(output.stdout()).toMatch(/^stacks\/digdir.yaml:1:1: environments: required\n/);
    expect(output.stdout()).toMatch(/\nstacks\/digdir.yaml:3:1: surprise: unknown key "surprise"/);
    expect(output.stdout()).toMatch(/problem\(s\) in 1 file\(s\); nothing was applied\n$/);

    output.clear();
    expect(main(["--root", root, "--format", "json", "--today", "2026-11-23"])).toBe(1);
    const report = JSON.parse(output.stdout()) as { valid: boolean; errors: Record<string, unknown>[] };
    expect(report.valid).toBe(false);
    expect(report.errors[0]).toEqual({
      file: "stacks/digdir.yaml",
      line: 1,
      column: 1,
      path: "environments",
      message: "required",
    });
    for (const error of report.errors)
      expect(Object.keys(error).sort()).toEqual(["column", "file", "line", "message", "path"]);
  });

  it("reports only the named files, but still checks them against the whole fleet", () => {
    const root = copyOfRepository();
    writeFileSync(path.join(root, "stacks/brg.yaml"), "broken: [\n");
    expect(main(["--root", root, "--today", "2026-11-23", path.join(root, "stacks/digdir.yaml")])).toBe(0);
    expect(main(["--root", root, "--today", "2026-11-23", path.join(root, "stacks/brg.yaml")])).toBe(1);
  });

  it("is run by CI on the sample fleet at the tests' pinned date, so CI does not break as the calendar moves", () => {
    const ci = readFileSync(path.join(REPO_ROOT, ".ci/run"), "utf8");
    expect(ci).toContain(`SAMPLE_FLEET_DATE=${TODAY}\n`);
    expect(ci).toMatch(/^npm run validate -- --today "\$SAMPLE_FLEET_DATE"$/m);
    expect(ci).toMatch(/^npm run plan -- --today "\$SAMPLE_FLEET_DATE"/m);
  });

  it("evaluates expiry at --today", () => {
    expect(main(["--today", "2027-07-01", "--format", "json"])).toBe(1);
    const report = JSON.parse(output.stdout()) as { errors: { path: string; message: string }[] };
    expect(report.errors.every((error) => /^access\[\d+\]\.expires$/.test(error.path))).toBe(true);
    expect(report.errors.map((error) => error.message)).toContainEqual(
      expect.stringMatching(/^the date 2027-06-30 is in the past \(today is 2027-07-01\)/),
    );
  });

  describe("touched files: problems elsewhere are warnings", () => {
    /** The sample fleet with brg's prod developer grant expired (a stale grant of an owner nobody is changing). */
    function fleetWithStaleGrant(): string {
      const root = copyOfRepository();
      const brg = path.join(root, "stacks/brg.yaml");
      writeFileSync(brg, readFileSync(brg, "utf8").replace("expires: 2027-06-30", "expires: 2026-11-01"));
      return root;
    }

    it("fails only on the files a change touched, and reports the others as warnings", () => {
      const root = fleetWithStaleGrant();
      expect(main(["--root", root, "--today", "2026-11-23"])).toBe(1);
      output.clear();
      expect(
        main(["--root", root, "--today", "2026-11-23", "--strict-files", path.join(root, "stacks/digdir.yaml")]),
      ).toBe(0);
      expect(output.stdout()).toMatch(
        /^warning: stacks\/brg\.yaml:\d+:\d+: access\[\d+\]\.expires: the date 2026-11-01 is in the past \(today is 2026-11-23\)[^\n]*\n1 warning\(s\), not failing\n\nok: /,
      );
      output.clear();
      expect(
        main([
          "--root",
          root,
          "--today",
          "2026-11-23",
          "--format",
          "json",
          "--strict-files",
          path.join(root, "stacks/brg.yaml"),
        ]),
      ).toBe(1);
      const report = JSON.parse(output.stdout()) as { errors: { file: string }[]; warnings: unknown[] };
      expect(report.errors.map((error) => error.file)).toEqual(["stacks/brg.yaml"]);
      expect(report.warnings).toEqual([]);
    });

    it("--changed-since takes the touched files from git, and a touched file must be clean", async () => {
      const root = fleetWithStaleGrant();
      const git = (...args: string[]) => execFileSync("git", args, { cwd: root, stdio: "pipe" });
      git("init", "-q");
      git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "--allow-empty", "-m", "empty");
      git("add", "-A");
      git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "fleet");
      const digdir = path.join(root, "stacks/digdir.yaml");
      writeFileSync(digdir, readFileSync(digdir, "utf8").replace("expires: 2027-06-30", "expires: 2028-06-30"));
      expect(main(["--root", root, "--today", "2026-11-23", "--changed-since", "HEAD", "--format", "json"])).toBe(1);
      const report = JSON.parse(output.stdout()) as {
        errors: { file: string; message: string }[];
        warnings: { file: string }[];
      };
      expect(report.errors).toEqual([
        expect.objectContaining({
          file: "stacks/digdir.yaml",
          message:
            "2028-06-30 is beyond the 12-month limit for developer in prod: the latest allowed date is 2027-11-23",
        }),
      ]);
      expect(report.warnings.map((warning) => warning.file)).toEqual(["stacks/brg.yaml"]);
      expect(await runCli("validate", main, ["--root", root, "--changed-since", "no-such-ref"])).toBe(2);
    });
  });

  it.each([[["--format", "xml"]], [["--today", "yesterday"]], [["--no-such-flag"]]])(
    "exits 2 on a usage error: %j",
    (argv) => {
      expect(main(argv)).toBe(2);
    },
  );
});

describe("npm run validate: the terms of use prod will require", () => {
  const output = captureOutput();
  const validateOwner = (document: Record<string, unknown>) => {
    const root = writeRepository([ownerSource("abc", stringify(document))]);
    return main(["--root", root, "--today", "2026-11-23"]);
  };

  it.each([
    [
      "no termsOfUse record",
      { termsOfUse: undefined },
      /^stacks\/abc.yaml:\d+:3: environments\.prod: no termsOfUse record.*add termsOfUse with version "2025-1"/m,
    ],
    [
      "a confirmation that is false",
      { termsOfUse: { ...ACCEPTED_TERMS, riskAssessment: false } },
      /termsOfUse\.riskAssessment: termsOfUse\.riskAssessment is not confirmed/,
    ],
    [
      "an acceptance dated in the future",
      { termsOfUse: { ...ACCEPTED_TERMS, acceptedAt: "2026-12-01" } },
      /termsOfUse\.acceptedAt: termsOfUse\.acceptedAt \(2026-12-01\) is in the future/,
    ],
  ])("is an error for a prod owner with %s, naming what the policy will refuse", (_, overrides, message) => {
    expect(validateOwner(ownerDocument("abc", overrides))).toBe(1);
    expect(output.stdout()).toMatch(message);
    expect(output.stdout()).toMatch(/prod-requires-accepted-terms refuses every prod resource of this owner/);
  });

  it("is a warning for an owner without prod whose record is incomplete, and nothing when it has none", () => {
    const tt02Only = { environments: { tt02: { subscriptionId: subscriptionOf("abc", "tt02") } } };
    const access = [{ user: "dev.abc@ai-dev.no", role: "developer", environment: "tt02" }];
    const incomplete = { ...tt02Only, access, termsOfUse: { ...ACCEPTED_TERMS, serviceLevelAgreement: false } };
    expect(validateOwner(ownerDocument("abc", incomplete))).toBe(0);
    expect(output.stdout()).toMatch(
      /^warning: .*termsOfUse\.serviceLevelAgreement is not confirmed.*will refuse this owner's prod/m,
    );
    output.clear();
    expect(validateOwner(ownerDocument("abc", { ...tt02Only, access, termsOfUse: undefined }))).toBe(0);
    expect(output.stdout()).not.toMatch(/warning/);
  });
});

describe("npm run validate: every problem in one pass", () => {
  const output = captureOutput();

  it("reports the rules across files for a file that also fails its schema, at the right lines", () => {
    const abc = ownerDocument("abc");
    const access = abc["access"] as Record<string, unknown>[];
    const broken = ownerDocument("abc", {
      contact: "not-an-address",
      access: [{ ...access[0], enviroment: "tt02" }, access[1], { ...access[2], user: "nobody@ai-dev.no" }],
    });
    // Another owner registers one of abc's users: a rule across two files.
    const xyz = ownerDocument("xyz", {
      users: [...(ownerDocument("xyz")["users"] as unknown[]), { upn: "dev.abc@ai-dev.no", name: "Dev Person" }],
    });
    const root = writeRepository([ownerSource("abc", stringify(broken)), ownerSource("xyz", stringify(xyz))]);
    expect(main(["--root", root, "--today", "2026-11-23"])).toBe(1);
    const lines = output.stdout().split("\n");
    expect(lines).toContainEqual(
      expect.stringMatching(/^stacks\/abc\.yaml:\d+:\d+: contact: must be an e-mail address$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^stacks\/abc\.yaml:\d+:\d+: access\[0\]\.enviroment: unknown key "enviroment" \(did you mean "environment"\?\)$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^stacks\/abc\.yaml:\d+:\d+: access\[2\]\.user: .*nobody@ai-dev\.no/),
    );
    expect(lines.filter((line) => line.includes("dev.abc@ai-dev.no")).length).toBeGreaterThan(0);
    const grantLine = (index: number) =>
      Number(lines.find((line) => line.includes(`access[${index}].`))?.split(":")[1]);
    expect(grantLine(2)).toBeGreaterThan(grantLine(0));
  });
});
