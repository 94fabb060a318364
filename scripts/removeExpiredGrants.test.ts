import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { captureOutput } from "../test/support/output";
import { loadFleet, parseIsoDate } from "../infra/model";
import { ownerYaml } from "../test/support/fleet";
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
