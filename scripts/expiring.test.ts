import { describe, expect, it } from "vitest";
import { ownerYaml, layersWith } from "../test/support/fleet";
import { captureOutput } from "../test/support/output";
import { writeRepository } from "../test/support/repository";
import { main } from "./expiring";

const output = captureOutput();

const ACCESS = [
  { user: "dev.abc@ai-dev.no", role: "developer", environment: "tt02", expires: "2026-11-23" },
  { user: "dev.abc@ai-dev.no", role: "developer", environment: "prod", expires: "2026-12-23" },
  { user: "ops.abc@ai-dev.brreg.no", role: "operations", environment: "prod", expires: "2026-12-24" },
  { user: "ops.abc@ai-dev.brreg.no", role: "operations", environment: "tt02", expires: "2026-11-22" },
  { user: "ops.abc@ai-dev.brreg.no", role: "developer", environment: "tt02" },
];
const fleet = () =>
  writeRepository([
    ownerYaml("abc", { access: ACCESS }),
    ownerYaml("xyz", { access: [{ user: "dev.xyz@ai-dev.no", role: "developer", environment: "tt02" }] }),
  ]);
const run = (root: string, ...extra: string[]) => main(["--root", root, "--today", "2026-11-23", ...extra]);

describe("npm run expiring", () => {
  it("lists per owner the grants still valid that end within N days, soonest first", () => {
    const root = fleet();
    expect(run(root, "--within", "30")).toBe(0);
    expect(output.stdout()).toBe(
      [
        "Grants expiring within 30 day(s) of 2026-11-23:",
        "",
        "abc (stacks/abc.yaml, post@abc.no):",
        "  2026-11-23  tt02 Developer: dev.abc@ai-dev.no (Dev Person), ends tonight",
        "  2026-12-23  prod Developer: dev.abc@ai-dev.no (Dev Person), 30 day(s) left",
        "",
      ].join("\n"),
    );
    output.clear();
    expect(run(root, "--within", "0")).toBe(0);
    expect(output.stdout()).toMatch(/ends tonight\n$/);
  });

  it("writes JSON, and markdown for one owner's reminder issue with values escaped", () => {
    const root = fleet();
    expect(run(root, "--within", "31", "--format", "json")).toBe(0);
    const report = JSON.parse(output.stdout()) as { within: number; owners: { org: string; grants: object[] }[] };
    expect(report.within).toBe(31);
    expect(report.owners.map((owner) => owner.org)).toEqual(["abc"]);
    expect(report.owners[0]?.grants).toContainEqual({
      upn: "ops.abc@ai-dev.brreg.no",
      name: "Ops Person",
      role: "operations",
      environment: "prod",
      expires: "2026-12-24",
      daysLeft: 31,
      endsAt: "2026-12-24T23:00:00Z",
    });
    output.clear();
    expect(run(root, "--within", "31", "--owner", "abc", "--format", "markdown")).toBe(0);
    expect(output.stdout()).toBe(
      [
        "## abc: access expiring within 31 days",
        "",
        "As of 2026-11-23. To keep access, open a pull request that moves `expires` in `stacks/abc.yaml` (contact: post\\@abc\\.no); otherwise access ends at midnight after the date, Norwegian time.",
        "",
        "| expires | environment | role | user | name | left |",
        "|---|---|---|---|---|---|",
        "| 2026\\-11\\-23 | tt02 | Developer | dev\\.abc\\@ai\\-dev\\.no | Dev Person | ends tonight |",
        "| 2026\\-12\\-23 | prod | Developer | dev\\.abc\\@ai\\-dev\\.no | Dev Person | 30 day\\(s\\) left |",
        "| 2026\\-12\\-24 | prod | Operations | ops\\.abc\\@ai\\-dev\\.brreg\\.no | Ops Person | 31 day\\(s\\) left |",
        "",
      ].join("\n"),
    );
    output.clear();
    expect(run(root, "--owner", "xyz", "--format", "markdown")).toBe(0);
    expect(output.stdout()).toBe("Nothing expires within 30 day(s) of 2026-11-23.\n");
  });

  it("lists for the daily reconcile the stacks with a grant that ended, in either access model", () => {
    const root = fleet();
    expect(run(root, "--reconcile")).toBe(0);
    // Both sample layers use PIM: the reconcile's deploy forgets the ended schedule (pulumi-up.yml, ended-schedules).
    expect(JSON.parse(output.stdout())).toEqual({ tt02: ["abc-tt02"], prod: [] });
    const membership = (text: string) => text.replace("accessModel: pim", "accessModel: membership");
    const tt02Membership = writeRepository([ownerYaml("abc", { access: ACCESS })], layersWith("tt02", membership));
    output.clear();
    expect(main(["--root", tt02Membership, "--today", "2026-11-23", "--reconcile"])).toBe(0);
    expect(JSON.parse(output.stdout())).toEqual({ tt02: ["abc-tt02"], prod: [] });
    output.clear();
    expect(main(["--root", tt02Membership, "--today", "2026-12-01", "--reconcile"])).toBe(0);
    expect(JSON.parse(output.stdout())).toEqual({ tt02: [], prod: [] }); // ended more than 7 days ago
  });

  it.each([[["--within", "soon"]], [["--format", "xml"]], [["--owner", "nope"]]])("exits 2 on %j", (argv) => {
    expect(run(fleet(), ...argv)).toBe(2);
  });
});
