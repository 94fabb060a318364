import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { isOwnerFileName } from "../infra/model/fleet";
import { captureOutput } from "../test/support/output";
import { ownerYaml } from "../test/support/fleet";
import { commitAll, gitIn, writeRepository } from "../test/support/repository";
import { REPO_ROOT } from "../repository/root";
import { main } from "./report";

const outDir = () => path.join(mkdtempSync(path.join(tmpdir(), "report-cli-")), "site");

describe("npm run report", () => {
  const output = captureOutput();

  it("writes the fleet page and one page per owner, and exits 0", () => {
    const out = outDir();
    expect(main(["--out", out, "--today", "2026-11-23"])).toBe(0);
    const orgs = readdirSync(path.join(REPO_ROOT, "stacks"))
      .filter(isOwnerFileName)
      .map((name) => name.replace(/\.yaml$/, ""));
    expect(readdirSync(path.join(out, "owners")).sort()).toEqual(orgs.map((org) => `${org}.html`).sort());
    expect(output.stdout()).toMatch(
      new RegExp(
        `^wrote ${path.join(out, "index.html")} and ${orgs.length} owner page\\(s\\) \\(history from \\d+ commit\\(s\\)\\)\\n$`,
      ),
    );
    const fleet = readFileSync(path.join(out, "index.html"), "utf8");
    for (const org of orgs) expect(fleet).toContain(`href="owners/${org}.html"`);
  });

  it("removes the page of an owner that no longer exists, and nothing else", () => {
    const out = outDir();
    expect(main(["--out", out, "--today", "2026-11-23"])).toBe(0);
    writeFileSync(path.join(out, "owners", "gone.html"), "old");
    writeFileSync(path.join(out, "owners", "notes.txt"), "mine");
    expect(main(["--out", out, "--today", "2026-11-23"])).toBe(0);
    expect(existsSync(path.join(out, "owners", "gone.html"))).toBe(false);
    expect(existsSync(path.join(out, "owners", "notes.txt"))).toBe(true);
  });

  it("shows expired grants (to be removed) instead of refusing", () => {
    const out = outDir();
    expect(main(["--out", out, "--today", "2027-07-01"])).toBe(0);
    expect(readFileSync(path.join(out, "owners", "digdir.html"), "utf8")).toMatch(
      /<tr class="expired"[^]*Expired<\/span> 1 day ago: remove the grant/,
    );
  });

  it("exits 1 with every problem by file, line and field, and writes nothing", () => {
    const root = writeRepository([
      ownerYaml("abc", { contact: "nope" }),
      { file: "stacks/def.yaml", text: "org: def\nsurprise: [\n" },
    ]);
    const out = outDir();
    expect(main(["--root", root, "--out", out, "--today", "2026-11-23"])).toBe(1);
    expect(output.stdout()).toMatch(/^stacks\/abc.yaml:\d+:\d+: contact: must be an e-mail address\n/);
    expect(output.stdout()).toMatch(/\nstacks\/def.yaml:\d+:\d+: /);
    expect(output.stdout()).toMatch(/problem\(s\) in 2 file\(s\); no report was written\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it("links commits only to an https prefix", () => {
    const out = outDir();
    expect(main(["--out", out, "--today", "2026-11-23", "--commit-url", "https://github.com/o/r/commit/"])).toBe(0);
    expect(readFileSync(path.join(out, "index.html"), "utf8")).toMatch(
      /href="https:\/\/github.com\/o\/r\/commit\/[0-9a-f]{40}"/,
    );
    expect(main(["--out", out, "--today", "2026-11-23", "--commit-url", "javascript:alert(1)//"])).toBe(0);
    expect(readFileSync(path.join(out, "index.html"), "utf8")).not.toContain("javascript:");
  });

  it("works outside a git repository and says history is unavailable", () => {
    const root = writeRepository([ownerYaml("abc")]);
    const out = outDir();
    expect(main(["--root", root, "--out", out, "--today", "2026-11-23"])).toBe(0);
    expect(output.stdout()).toContain(`(no history: ${root} is not a git repository with commits)`);
  });

  it("warns on stderr about a historical owner file version it did not read (over the limit), and still writes", () => {
    const root = writeRepository([ownerYaml("abc")]);
    const file = path.join(root, "stacks/abc.yaml");
    const valid = readFileSync(file, "utf8");
    writeFileSync(file, `# ${"x".repeat(600 * 1024)}\n${valid}`);
    commitAll(root);
    writeFileSync(file, valid);
    gitIn(root, "commit", "-q", "-am", "smaller");
    expect(main(["--root", root, "--out", outDir(), "--today", "2026-11-23"])).toBe(0);
    expect(output.stderr()).toMatch(
      /^report: warning: stacks\/abc.yaml at [0-9a-f]{7}: \d+ bytes, over the limit of 524288: not read\n$/,
    );
  });

  it("exits 2 when the output directory is a file", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "report-cli-")), "a-file");
    writeFileSync(file, "");
    expect(main(["--out", file, "--today", "2026-11-23"])).toBe(2);
    expect(output.stderr()).toMatch(/^error: option '--out .*a-file': is not a directory\n$/);
  });

  it("writes only into a folder of its own: one that holds other files is refused and left as it was", () => {
    const out = outDir();
    mkdirSync(path.join(out, "owners"), { recursive: true });
    writeFileSync(path.join(out, "owners", "mine.html"), "mine");
    writeFileSync(path.join(out, "notes.txt"), "mine");
    expect(main(["--out", out, "--today", "2026-11-23"])).toBe(2);
    expect(output.stderr()).toBe(
      `error: option '--out ${out}': holds files this command did not write (it has no .altinn-apps-report): ` +
        "give an empty or new folder\n",
    );
    expect(readdirSync(out).sort()).toEqual(["notes.txt", "owners"]);
    expect(readdirSync(path.join(out, "owners"))).toEqual(["mine.html"]);
  });

  it("refuses a symbolic link, and a folder on a kernel file system, before writing anything", () => {
    const out = outDir();
    mkdirSync(out);
    const link = `${out}-link`;
    symlinkSync(out, link);
    expect(main(["--out", link, "--today", "2026-11-23"])).toBe(2);
    expect(output.stderr()).toBe(`error: option '--out ${link}': is a symbolic link: give the real folder\n`);
    output.clear();
    expect(main(["--out", "/proc/self/report", "--today", "2026-11-23"])).toBe(2);
    expect(output.stderr()).toBe(
      "error: option '--out /proc/self/report': is on a proc file system, which holds kernel interfaces rather than files\n",
    );
    expect(readdirSync(out)).toEqual([]);
  });

  it("replaces a FIFO planted in its folder instead of blocking on it", () => {
    const out = outDir();
    expect(main(["--out", out, "--today", "2026-11-23"])).toBe(0);
    rmSync(path.join(out, "index.html"));
    execFileSync("mkfifo", [path.join(out, "index.html")]);
    const child = spawnSync(
      process.execPath,
      [
        "--require",
        "tsx/cjs",
        "--eval",
        `require("./scripts/report").main(["--out", ${JSON.stringify(out)}, "--today", "2026-11-23"])`,
      ],
      { cwd: REPO_ROOT, encoding: "utf8", timeout: 30_000 },
    );
    expect(child.status).toBe(0);
    expect(lstatSync(path.join(out, "index.html")).isFile()).toBe(true);
  });

  it.each([[["--today", "tomorrow"]], [["--no-such-flag"]], [["extra-argument"]]])(
    "exits 2 on a usage error: %j",
    (argv) => {
      expect(main(argv)).toBe(2);
    },
  );
});
