import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../repository/root";
import { captureOutput } from "../test/support/output";
import { commandDefinitions, main } from "./docs";

/** What the generated docs are made from and written to: the pages, the schema and the sample fleet. */
function copyOfDocs(): string {
  const root = mkdtempSync(path.join(tmpdir(), "docs-"));
  for (const entry of [
    "README.md",
    "docs",
    "schemas",
    "stacks",
    "Pulumi.yaml",
    "Pulumi.tt02.yaml",
    "Pulumi.prod.yaml",
    ".prettierrc.json",
  ]) {
    cpSync(path.join(REPO_ROOT, entry), path.join(root, entry), { recursive: true });
  }
  return root;
}

describe("npm run docs", () => {
  const output = captureOutput();

  it("defines the CLI reference from every command scripts/run.mjs can run", () => {
    const scripts = readdirSync(path.join(REPO_ROOT, "scripts"))
      .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
      .map((file) => file.slice(0, -".ts".length));
    expect(Object.keys(commandDefinitions()).sort()).toEqual(scripts.sort());
  });

  it("--check exits 1 naming each stale file; without --check it rewrites them; then --check exits 0", async () => {
    const root = copyOfDocs();
    const policies = readFileSync(path.join(root, "docs/reference/policies.md"), "utf8");
    writeFileSync(path.join(root, "docs/reference/policies.md"), policies.replace(/\| `aks-hardened` .*\n/, ""));
    writeFileSync(path.join(root, "schemas/owner.schema.json"), "{}\n");
    expect(await main(["--check", "--root", root])).toBe(1);
    expect(output.stderr()).toBe(
      "docs/reference/policies.md: out of date with the code; run npm run docs\n" +
        "schemas/owner.schema.json: out of date with the code; run npm run docs\n",
    );
    output.clear();
    expect(await main(["--root", root])).toBe(0);
    expect(readFileSync(path.join(root, "docs/reference/policies.md"), "utf8")).toBe(policies);
    expect(await main(["--check", "--root", root])).toBe(0);
    expect(output.stderr()).toBe("");
  }, 180_000);

  it("exits 2 on an unknown option", async () => {
    expect(await main(["--frobnicate"])).toBe(2);
  });
});
