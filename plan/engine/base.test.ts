import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ownerYaml } from "../../test/support/fleet";
import { committedRepository, gitIn } from "../../test/support/repository";
import { REPO_ROOT } from "../../repository/root";
import { checkoutBase, disposeBase } from "./base";

/** The worktrees git has registered in `root`, besides `root` itself. */
const extraWorktrees = (root: string) =>
  gitIn(root, "worktree", "list", "--porcelain")
    .split("\n")
    .filter((line) => line.startsWith("worktree ") && line !== `worktree ${root}`);

/** A child process that checks out the base of `root` and waits, with the checkout's directory once it is made. */
async function checkoutInChild(root: string) {
  const script =
    `const { checkoutBase } = require("./plan/engine/base");` +
    `const checkout = checkoutBase(${JSON.stringify(root)}, "HEAD", process.cwd(), "other code");` +
    `process.stdout.write(checkout.directory + "\\n"); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--require", "tsx/cjs", "--eval", script], { cwd: REPO_ROOT });
  const directory = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.endsWith("\n")) resolve(output.trim());
    });
    child.on("exit", (code) => reject(new Error(`the child exited (${code}) before checking out`)));
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  return { child, directory, exited };
}

describe("the base checkout of plan --diff", () => {
  it("is removed, worktree and temporary folder, when the run is interrupted (SIGTERM, SIGINT)", async () => {
    const root = committedRepository([ownerYaml("abc")]);
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const { child, directory, exited } = await checkoutInChild(root);
      expect(extraWorktrees(root)).toEqual([`worktree ${directory}`]);
      child.kill(signal);
      expect(await exited).toBe(signal);
      expect(extraWorktrees(root)).toEqual([]);
      expect(existsSync(path.dirname(directory))).toBe(false);
    }
  });

  it("left by a killed run (kill -9) is pruned by the next run, while a running one's is kept", async () => {
    const root = committedRepository([ownerYaml("abc")]);
    const killed = await checkoutInChild(root);
    killed.child.kill("SIGKILL");
    await killed.exited;
    const running = await checkoutInChild(root);
    try {
      expect(extraWorktrees(root)).toEqual([`worktree ${running.directory}`]);
      expect(existsSync(killed.directory)).toBe(false);
      const checkout = checkoutBase(root, "HEAD", REPO_ROOT, "other code");
      disposeBase(root, checkout);
      expect(extraWorktrees(root)).toEqual([`worktree ${running.directory}`]);
      expect(existsSync(path.dirname(checkout.directory))).toBe(false);
    } finally {
      running.child.kill("SIGTERM");
      await running.exited;
    }
    expect(extraWorktrees(root)).toEqual([]);
  });
});
