import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { captureOutput } from "../test/support/output";
import { loadFleet } from "../files/fleetReader";
import { parseIsoDate } from "../infra/model/dates";
import { stringify } from "yaml";
import { ownerDocument, ownerSource, ownerYaml } from "../test/support/fleet";
import { runWithFileSizeLimit } from "../test/support/faults";
import { writeRepository } from "../test/support/repository";
import { main } from "./removeExpiredGrants";

const output = captureOutput();

describe("npm run remove-expired-grants", () => {
  it("removes exactly the expired grants, keeping comments, so the fleet validates again", () => {
    const access = [
      { user: "dev.abc@ai-dev.no", role: "developer", environment: "tt02", expires: "2026-11-01" },
      { user: "dev.abc@ai-dev.no", role: "developer", environment: "prod", expires: "2027-06-30" },
      { user: "ops.abc@ai-dev.brreg.no", role: "operations", environment: "prod", expires: "2026-11-22" },
      { user: "ops.abc@ai-dev.brreg.no", role: "developer", environment: "tt02", expires: "2026-11-23" },
    ];
    const root = writeRepository([ownerYaml("abc", { access })]);
    const file = path.join(root, "stacks/abc.yaml");
    writeFileSync(file, `# Owner abc: keep this comment\n${readFileSync(file, "utf8")}`);
    const today = parseIsoDate("2026-11-23");
    expect(loadFleet(root, today).problems).toHaveLength(2);

    expect(main(["--root", root, "--today", today])).toBe(0);
    expect(output.stdout()).toBe(
      "Expired grants removed:\n\n" +
        "- `stacks/abc.yaml`: `dev.abc@ai-dev.no`, developer in tt02 (expired 2026-11-01)\n" +
        "- `stacks/abc.yaml`: `ops.abc@ai-dev.brreg.no`, operations in prod (expired 2026-11-22)\n",
    );
    const after = loadFleet(root, today);
    expect(after.problems).toEqual([]);
    expect(
      after.fleet.owners[0]?.owner.access.map((grant) => `${grant.user} ${grant.role} ${grant.environment}`),
    ).toEqual(["dev.abc@ai-dev.no developer prod", "ops.abc@ai-dev.brreg.no developer tt02"]);
    expect(readFileSync(file, "utf8")).toMatch(/^# Owner abc: keep this comment\n/);
  });

  it("resolves an anchor that an expired grant holds and a kept grant uses, so the daily sweep never crashes on one file", () => {
    const root = writeRepository([ownerYaml("abc")]);
    const file = path.join(root, "stacks/abc.yaml");
    const base = readFileSync(file, "utf8").replace(/\naccess:[\s\S]*$/, "\n");
    writeFileSync(
      file,
      `${base}access:\n` +
        "  - user: &dev dev.abc@ai-dev.no\n    role: &role developer\n    environment: prod\n    expires: 2026-01-01\n" +
        "  - user: *dev\n    role: *role\n    environment: tt02\n",
    );
    expect(main(["--root", root, "--today", "2026-11-23"])).toBe(0);
    const after = loadFleet(root, parseIsoDate("2026-11-23"));
    expect(after.problems).toEqual([]);
    expect(after.fleet.owners[0]?.owner.access).toEqual([
      { user: "dev.abc@ai-dev.no", role: "developer", environment: "tt02" },
    ]);
  });

  it("changes nothing when nothing has expired", () => {
    const root = writeRepository([ownerYaml("abc")]);
    const before = readFileSync(path.join(root, "stacks/abc.yaml"), "utf8");
    expect(main(["--root", root, "--today", "2026-11-23"])).toBe(0);
    expect(output.stdout()).toBe("No expired grants.\n");
    expect(readFileSync(path.join(root, "stacks/abc.yaml"), "utf8")).toBe(before);
  });
});

/** An owner file of abc whose access section is `access` as written (the rest as the YAML library writes it). */
function ownerWithAccess(access: string, lineEnding = "\n"): { root: string; file: string } {
  const text = `${stringify(ownerDocument("abc", { access: undefined }))}${access}`.replace(/\r?\n/g, lineEnding);
  const root = writeRepository([ownerSource("abc", text)]);
  return { root, file: path.join(root, "stacks/abc.yaml") };
}

describe("the expiry sweep changes nothing but the expired grants' lines", () => {
  const today = "2026-11-23";
  const sweep = (root: string) => main(["--root", root, "--today", today]);

  it.each([
    [
      "a flow list on one line",
      "access: [{ user: dev.abc@ai-dev.no, role: developer, environment: tt02 }, " +
        "{ user: dev.abc@ai-dev.no, role: developer, environment: prod, expires: 2026-01-01 }]\n",
      "access: [{ user: dev.abc@ai-dev.no, role: developer, environment: tt02 }]\n",
    ],
    [
      "a block list of flow mappings",
      "access:\n  - { user: dev.abc@ai-dev.no,   role: developer, environment: tt02 }\n" +
        "  # until the migration is done\n" +
        "  - { user: dev.abc@ai-dev.no, role: developer, environment: prod, expires: 2026-01-01 }\n",
      "access:\n  - { user: dev.abc@ai-dev.no,   role: developer, environment: tt02 }\n",
    ],
    [
      "aligned values and a long wrapped reason",
      "access:\n" +
        "  - user:        dev.abc@ai-dev.no\n    role:        developer\n    environment: tt02\n" +
        "    reason:      Kept for the migration of the old forms, which takes longer than anyone\n" +
        "      expected, so this line is wrapped\n" +
        "  - user:        dev.abc@ai-dev.no\n    role:        developer\n    environment: prod\n" +
        "    expires:     2026-01-01\n" +
        "    reason:      Temporary access for an incident review that also needs a long reason\n" +
        "      written over two lines\n" +
        "\n# Owner contact: keep\n",
      "access:\n" +
        "  - user:        dev.abc@ai-dev.no\n    role:        developer\n    environment: tt02\n" +
        "    reason:      Kept for the migration of the old forms, which takes longer than anyone\n" +
        "      expected, so this line is wrapped\n" +
        "\n# Owner contact: keep\n",
    ],
  ])("keeps %s byte for byte", (_style, access, expected) => {
    const { root, file } = ownerWithAccess(access);
    const before = readFileSync(file, "utf8");
    expect(sweep(root)).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(before.replace(access, expected));
  });

  it("keeps CRLF line endings", () => {
    const access =
      "access:\n  - user: dev.abc@ai-dev.no\n    role: developer\n    environment: tt02\n" +
      "  - user: dev.abc@ai-dev.no\n    role: developer\n    environment: prod\n    expires: 2026-01-01\n";
    const { root, file } = ownerWithAccess(access, "\r\n");
    const before = readFileSync(file, "utf8");
    expect(sweep(root)).toBe(0);
    const after = readFileSync(file, "utf8");
    expect(after).not.toMatch(/[^\r]\n/);
    expect(after).toBe(
      before.slice(0, before.indexOf("  - user: dev.abc@ai-dev.no\r\n    role: developer\r\n    environment: prod")),
    );
  });

  it("writes `access: []` when every grant has expired", () => {
    const access =
      "access: # reviewed yearly\n  - user: dev.abc@ai-dev.no\n    role: developer\n    environment: prod\n    expires: 2026-01-01\n";
    const { root, file } = ownerWithAccess(access);
    const before = readFileSync(file, "utf8");
    expect(sweep(root)).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(before.replace(access, "access: [] # reviewed yearly\n"));
  });

  it("on a full disk names the owner file, leaves it as it was and exits 1", () => {
    const access = [
      ...Array.from({ length: 12 }, (_, index) => ({
        user: "dev.abc@ai-dev.no",
        role: "developer",
        environment: "tt02",
        reason: `grant number ${index} of many, so the file is longer than the limit`,
      })).slice(0, 1),
      { user: "dev.abc@ai-dev.no", role: "developer", environment: "prod", expires: "2026-01-01" },
      {
        user: "ops.abc@ai-dev.brreg.no",
        role: "operations",
        environment: "prod",
        ticket: "ALTINN-1",
        expires: "2027-06-30",
        reason: "x".repeat(400),
      },
    ];
    const root = writeRepository([ownerYaml("abc", { access })]);
    const file = path.join(root, "stacks/abc.yaml");
    const before = readFileSync(file, "utf8");
    expect(before.length).toBeGreaterThan(1024);
    const child = runWithFileSizeLimit(
      `require("./cli/cli").runCli("removeExpiredGrants", require("./scripts/removeExpiredGrants").main, ` +
        `["--root", ${JSON.stringify(root)}, "--today", "${today}"]).then((code) => { process.exitCode = code; });`,
      2,
    );
    expect(child.stderr).toBe(
      "remove-expired-grants: stacks/abc.yaml: cannot be written (EFBIG: file too large): left as it was\n",
    );
    expect(child.status).toBe(1);
    expect(readFileSync(file, "utf8")).toBe(before);
  });
});
