import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ownerYaml } from "../test/support/fleet";
import { committedRepository, gitIn } from "../test/support/repository";
import { changedFilesSince } from "./git";

describe("changedFilesSince", () => {
  function repository(): { root: string; base: string } {
    const root = committedRepository([ownerYaml("abc"), ownerYaml("xyz")]);
    return { root, base: gitIn(root, "rev-parse", "HEAD").trim() };
  }

  it("names both paths of a committed rename and of a copy, whatever diff.renames says", () => {
    const { root, base } = repository();
    gitIn(root, "config", "diff.renames", "copies");
    gitIn(root, "mv", "stacks/xyz.yaml", "stacks/xyq.yaml");
    gitIn(root, "commit", "-q", "-m", "rename");
    expect(changedFilesSince(root, base)).toEqual(["stacks/xyq.yaml", "stacks/xyz.yaml"]);
    writeFileSync(path.join(root, "stacks/abd.yaml"), gitIn(root, "show", "HEAD:stacks/abc.yaml"));
    gitIn(root, "add", "-A");
    gitIn(root, "commit", "-q", "-m", "copy");
    expect(changedFilesSince(root, base)).toEqual(["stacks/abd.yaml", "stacks/xyq.yaml", "stacks/xyz.yaml"]);
  });

  it("names a file whose type changed (a file made a symbolic link), and names in any script unquoted", () => {
    const { root, base } = repository();
    rmSync(path.join(root, "stacks/abc.yaml"));
    symlinkSync("xyz.yaml", path.join(root, "stacks/abc.yaml"));
    mkdirSync(path.join(root, "stacks/ø"));
    writeFileSync(path.join(root, "stacks/ø/ny fil.yaml"), "org: ø\n");
    gitIn(root, "add", "-A");
    gitIn(root, "commit", "-q", "-m", "type change");
    writeFileSync(path.join(root, "stacks/\u00e6.yaml"), "untracked\n");
    expect(changedFilesSince(root, base)).toEqual(["stacks/abc.yaml", "stacks/æ.yaml", "stacks/ø/ny fil.yaml"]);
  });
});
