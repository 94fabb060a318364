import { execFileSync, execSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCli, type Main } from "../cli/cli";
import { REPO_ROOT } from "../repository/root";
import { SAMPLE_FLEET_DATE } from "../tooling/sampleFleet";

/**
 * Every recipe in docs/tasks/ runs here, on a copy of the sample fleet, in the order it is written: each ```diff
 * block is applied with `git apply`, each ```console block's `$ command` lines run (an `npm run` through the same
 * entry as scripts/run.mjs, in this process; anything else with bash), and what a command prints must be what the
 * recipe shows below it. A line `…` stands for any number of lines; `# exits N` after a command is its exit code
 * (0 when absent). `RECIPES_UPDATE=1` rewrites the shown output from a run (then elide with `…` by hand).
 */

const TASKS = "docs/tasks";
const recipes = readdirSync(path.join(REPO_ROOT, TASKS)).filter((file) => file.endsWith(".md"));
const npmScripts = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  }
).scripts;

interface Block {
  readonly language: "console" | "diff";
  /** Offsets of the block's body in the page, for RECIPES_UPDATE. */
  readonly start: number;
  readonly end: number;
  readonly body: string;
}

function blocksOf(page: string): Block[] {
  return [...page.matchAll(/^```(console|diff)\n([\s\S]*?)^```$/gm)].map((match) => {
    const start = (match.index ?? 0) + match[0].indexOf("\n") + 1;
    return {
      language: match[1] as Block["language"],
      start,
      end: start + (match[2] ?? "").length,
      body: match[2] ?? "",
    };
  });
}

interface Step {
  readonly command: string;
  readonly exitCode: number;
  readonly shown: string[];
}

function stepsOf(body: string): Step[] {
  const steps: Step[] = [];
  for (const line of body.replace(/\n$/, "").split("\n")) {
    const command = /^\$ (.*?)(?:\s+# exits (\d+))?$/.exec(line);
    if (command) steps.push({ command: command[1] ?? "", exitCode: Number(command[2] ?? 0), shown: [] });
    else steps.at(-1)?.shown.push(line);
  }
  return steps;
}

/** `…` matches any lines; everything else exactly. */
function matches(actual: readonly string[], shown: readonly string[]): boolean {
  const [first, ...rest] = shown;
  if (first === undefined) return actual.length === 0;
  if (first === "…") return actual.some((_, index) => matches(actual.slice(index), rest)) || matches([], rest);
  return actual[0] === first && matches(actual.slice(1), rest);
}

/** Words as a POSIX shell splits them, for the simple quoting recipes use. */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3] ?? "");
}

/** A copy of the sample fleet (and the registry file new-owner can read offline) as a git repository on main. */
function sampleRepository(): string {
  const root = mkdtempSync(path.join(tmpdir(), "recipe-"));
  for (const entry of ["stacks", "Pulumi.tt02.yaml", "Pulumi.prod.yaml", "Pulumi.yaml"])
    cpSync(path.join(REPO_ROOT, entry), path.join(root, entry), { recursive: true });
  mkdirSync(path.join(root, "test/fixtures"), { recursive: true });
  cpSync(path.join(REPO_ROOT, "test/fixtures/altinn-orgs.json"), path.join(root, "test/fixtures/altinn-orgs.json"));
  git(root, "init", "-q", "-b", "main");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "the sample fleet");
  return root;
}

function git(root: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Recipe", "-c", "user.email=recipe@example.invalid", ...args], {
    cwd: root,
    encoding: "utf8",
  });
}

/** Run one command as a user would type it in the repository; its output as lines, and its exit code. */
async function run(root: string, command: string): Promise<{ lines: string[]; exitCode: number }> {
  const [program, ...args] = words(command);
  if (program === "npm" && args[0] === "run") {
    const script = /scripts\/run\.mjs (\w+)$/.exec(npmScripts[args[1] ?? ""] ?? "")?.[1];
    if (!script) throw new Error(`${command}: no npm script that runs a command`);
    const rest = args.slice(2);
    const argv = [...(rest[0] === "--" ? rest.slice(1) : rest), "--root", root];
    let output = "";
    const capture = (chunk: unknown) => {
      output += String(chunk);
      return true;
    };
    vi.spyOn(process.stdout, "write").mockImplementation(capture);
    vi.spyOn(process.stderr, "write").mockImplementation(capture);
    const cwd = process.cwd();
    process.chdir(root);
    try {
      // The script named by package.json: known only at run time (vite cannot resolve it ahead, nor need to).
      const { main } = (await import(/* @vite-ignore */ path.join(REPO_ROOT, "scripts", `${script}.ts`))) as {
        main: Main;
      };
      const exitCode = await runCli(script, main, argv);
      return { lines: output.replace(/\n$/, "").split("\n"), exitCode };
    } finally {
      process.chdir(cwd);
      vi.mocked(process.stdout.write).mockRestore();
      vi.mocked(process.stderr.write).mockRestore();
    }
  }
  try {
    const output = execSync(command, {
      cwd: root,
      encoding: "utf8",
      shell: "/bin/bash",
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "Recipe",
        GIT_AUTHOR_EMAIL: "recipe@example.invalid",
        GIT_COMMITTER_NAME: "Recipe",
        GIT_COMMITTER_EMAIL: "recipe@example.invalid",
      },
    });
    return {
      lines: output
        .replace(/\n$/, "")
        .split("\n")
        .filter((line, index, all) => all.length > 1 || line !== ""),
      exitCode: 0,
    };
  } catch (error) {
    const failed = error as { status?: number; stdout?: string; stderr?: string };
    const output = `${failed.stdout ?? ""}${failed.stderr ?? ""}`;
    return { lines: output.replace(/\n$/, "").split("\n"), exitCode: failed.status ?? 1 };
  }
}

describe("docs/tasks recipes run on the sample fleet and print what they show", () => {
  afterEach(() => vi.useRealTimers());

  it.each(recipes)("%s", async (recipe) => {
    // The sample fleet is checked as of its own date (as .ci/run does), so the recipes' output does not age.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(`${SAMPLE_FLEET_DATE}T12:00:00Z`));
    const file = path.join(REPO_ROOT, TASKS, recipe);
    const page = readFileSync(file, "utf8");
    const blocks = blocksOf(page);
    expect(
      blocks.some((block) => block.language === "console"),
      `${recipe} runs no command`,
    ).toBe(true);
    const root = sampleRepository();
    const updated: { block: Block; body: string }[] = [];
    for (const block of blocks) {
      if (block.language === "diff") {
        const patch = path.join(root, ".recipe.patch");
        writeFileSync(patch, block.body);
        git(root, "apply", "--whitespace=nowarn", patch);
        continue;
      }
      const lines: string[] = [];
      for (const step of stepsOf(block.body)) {
        const result = await run(root, step.command);
        lines.push(`$ ${step.command}${result.exitCode === 0 ? "" : `   # exits ${result.exitCode}`}`, ...result.lines);
        if (process.env["RECIPES_UPDATE"]) continue;
        expect(result.exitCode, `${recipe}: ${step.command}\n${result.lines.join("\n")}`).toBe(step.exitCode);
        expect(matches(result.lines, step.shown), `${recipe}: ${step.command}\n${result.lines.join("\n")}`).toBe(true);
      }
      updated.push({ block, body: `${lines.join("\n")}\n` });
    }
    if (process.env["RECIPES_UPDATE"]) {
      let text = page;
      for (const { block, body } of updated.reverse()) text = text.slice(0, block.start) + body + text.slice(block.end);
      writeFileSync(file, text);
    }
  });
});
