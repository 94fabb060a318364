import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../repository/root";
import { captureOutput } from "../test/support/output";
import { main } from "./docs";

function copyOfDocs(): string {
  const root = mkdtempSync(path.join(tmpdir(), "docs-"));
  for (const entry of ["README.md", "schemas", "docs", ".prettierrc.json"]) {
    cpSync(path.join(REPO_ROOT, entry), path.join(root, entry), { recursive: true });
  }
  return root;
}

describe("npm run docs", () => {
  const output = captureOutput();

  it("--check exits 0 when the README and the schema match the code", async () => {
    expect(await main(["--check"])).toBe(0);
    expect(output.stderr()).toBe("");
  });

  it("--check exits 1 naming each stale file; without --check it rewrites them", async () => {
    const root = copyOfDocs();
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    writeFileSync(path.join(root, "README.md"), readme.replace(/\| `aks-hardened` .*\n/, ""));
    writeFileSync(path.join(root, "schemas/owner.schema.json"), "{}\n");
    expect(await main(["--check", "--root", root])).toBe(1);
    expect(output.stderr()).toBe(
      "README.md: out of date with the code; run npm run docs\n" +
        "schemas/owner.schema.json: out of date with the code; run npm run docs\n",
    );
    expect(await main(["--root", root])).toBe(0);
    expect(readFileSync(path.join(root, "README.md"), "utf8")).toBe(readme);
    expect(await main(["--check", "--root", root])).toBe(0);
  });

  it("exits 2 on an unknown option", async () => {
    expect(await main(["--frobnicate"])).toBe(2);
  });
});
