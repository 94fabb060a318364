import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { captureOutput } from "../test/support/output";
import { main } from "./buildPolicyPack";

describe("npm run build-policy-pack", () => {
  const output = captureOutput();

  it("writes the bundle, the pack project and a manifest pointing at the bundle", () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "pack-")), "policy-pack");
    expect(main(["--out", out])).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      ".altinn-apps-policy-pack",
      "PulumiPolicy.yaml",
      "index.js",
      "package.json",
    ]);
    expect(main(["--out", out])).toBe(0);
    expect(JSON.parse(readFileSync(path.join(out, "package.json"), "utf8"))).toMatchObject({ main: "index.js" });
    // The owner model is inside the bundle: nothing is imported from outside the pack but its dependencies.
    const bundle = readFileSync(path.join(out, "index.js"), "utf8");
    expect(bundle).not.toMatch(/require\("\.\.?\//);
    // A policy is a pure function of the resource and its config: the pack reads no files (the repository's reader,
    // files/, stays out of the bundle) and parses no YAML.
    expect(bundle.match(/require\("(?:node:)?(?:fs|fs\/promises|child_process|yaml)"\)/g)).toBeNull();
    expect(output.stdout()).toContain(`${out}\nnext: pulumi policy publish `);
  });

  it("never empties a folder it did not make: one holding other files is refused and left as it was", () => {
    const out = mkdtempSync(path.join(tmpdir(), "pack-"));
    writeFileSync(path.join(out, "notes.txt"), "mine");
    expect(main(["--out", out])).toBe(2);
    expect(output.stderr()).toBe(
      `error: option '--out ${out}': holds files this command did not write (it has no .altinn-apps-policy-pack): ` +
        "give an empty or new folder\n",
    );
    expect(readdirSync(out)).toEqual(["notes.txt"]);
  });

  it("exits 2 on an unknown option", () => {
    expect(main(["--frobnicate"])).toBe(2);
  });
});
