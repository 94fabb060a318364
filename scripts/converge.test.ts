import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { ownerDocument, ownerYaml } from "../test/support/fleet";
import { captureOutput } from "../test/support/output";
import { committedRepository, gitIn } from "../test/support/repository";
import { runCli } from "../cli/cli";
import { main } from "./converge";

const output = captureOutput();
const BASE_ARGS = ["--today", "2026-11-23", "--workers", "1", "--no-cache"];

interface Result {
  main: string;
  decisions: { stack: string; verdict: string; reason: string }[];
  waves: Record<string, { canary: string[]; batches: string[][] }>;
  deploy: string[];
}

/** Owners abc and xyz (tt02 and prod), committed; returns the repository and its first commit. */
function repository() {
  const root = committedRepository([ownerYaml("abc"), ownerYaml("xyz")]);
  const first = gitIn(root, "rev-parse", "HEAD").trim();
  const commit = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
    gitIn(root, "add", "-A");
    gitIn(root, "commit", "-q", "-m", `change ${file}`);
    return gitIn(root, "rev-parse", "HEAD").trim();
  };
  const deployedAt = (deployed: Record<string, string>) => {
    // Outside the repository: an untracked file there would count as a change.
    const file = path.join(mkdtempSync(path.join(tmpdir(), "deployed-")), "deployed.json");
    writeFileSync(file, JSON.stringify(deployed));
    return file;
  };
  return { root, first, commit, deployedAt };
}

async function converge(root: string, ...args: string[]): Promise<{ code: number; result: Result }> {
  output.clear();
  const code = await runCli("converge", main, ["--root", root, ...BASE_ARGS, ...args]);
  return { code, result: code === 0 ? (JSON.parse(output.stdout()) as Result) : ({} as Result) };
}

const everyStack = ["abc-tt02", "abc-prod", "xyz-tt02", "xyz-prod"];
const at = (commit: string) => Object.fromEntries(everyStack.map((stack) => [stack, commit]));

describe("converge", () => {
  it("deploys the stack whose plan a data change altered, not the others behind main; canary first", async () => {
    const { root, first, commit, deployedAt } = repository();
    const document = ownerDocument("abc");
    const main = commit(
      "stacks/abc.yaml",
      stringify({
        ...document,
        users: [...(document["users"] as unknown[]), { upn: "ny@ai-dev.no", name: "Ny" }],
        access: [
          ...(document["access"] as unknown[]),
          { user: "ny@ai-dev.no", role: "developer", environment: "tt02", ticket: "T-1" },
        ],
      }),
    );
    const { code, result } = await converge(root, "--deployed", deployedAt(at(first)), "--canary", "xyz");
    expect(code).toBe(0);
    expect(result.main).toBe(main);
    expect(result.deploy).toEqual(["abc-tt02"]);
    expect(result.decisions.find((decision) => decision.stack === "xyz-prod")?.verdict).toBe("equivalent");
    expect(result.waves["tt02"]).toEqual({ canary: ["abc-tt02"], batches: [] });
  });

  it("deploys every stack behind main after a lockfile-only change; none already at main", async () => {
    const { root, first, commit, deployedAt } = repository();
    const main = commit("package-lock.json", "{}\n");
    const { result } = await converge(
      root,
      "--deployed",
      deployedAt({ ...at(first), "xyz-prod": main }),
      "--canary",
      "abc",
    );
    expect(result.deploy).toEqual(["abc-tt02", "abc-prod", "xyz-tt02"]);
    expect(result.waves["tt02"]).toEqual({ canary: ["abc-tt02"], batches: [["xyz-tt02"]] });
    expect(result.waves["prod"]).toEqual({ canary: ["abc-prod"], batches: [] });
  });

  it("deploys untagged stacks and those deployed at a commit outside main's history", async () => {
    const { root, first, deployedAt } = repository();
    const { result } = await converge(
      root,
      "--deployed",
      deployedAt({ "abc-tt02": first, "abc-prod": "f".repeat(40), "xyz-tt02": "" }),
    );
    expect(result.deploy).toEqual(["abc-prod", "xyz-tt02", "xyz-prod"]);
  });

  it("by hand: exactly the named stacks, or all; refuses names that are not stacks", async () => {
    const { root, deployedAt } = repository();
    const file = deployedAt({});
    expect((await converge(root, "--deployed", file, "--stacks", "xyz-prod")).result.deploy).toEqual(["xyz-prod"]);
    expect((await converge(root, "--deployed", file, "--stacks", "all")).result.deploy).toEqual(everyStack);
    expect((await converge(root, "--deployed", file, "--stacks", "nope-prod")).code).toBe(2);
  });

  it("a deploy job's check: the commit it deploys is equivalent to main, or main's newer run deploys the stack", async () => {
    const { root, first, commit, deployedAt } = repository();
    commit("docs/x.md", "docs\n");
    const unchanged = await converge(root, "--deployed", deployedAt({ "abc-prod": first }), "--only", "abc-prod");
    expect(unchanged.result.decisions).toEqual([expect.objectContaining({ stack: "abc-prod", verdict: "equivalent" })]);
    commit("infra/x.ts", "export {};\n");
    const changed = await converge(root, "--deployed", deployedAt({ "abc-prod": first }), "--only", "abc-prod");
    expect(changed.result.deploy).toEqual(["abc-prod"]);
  });

  it("writes the workflow's outputs, and refuses a tag that is not a commit", async () => {
    const { root, first, deployedAt } = repository();
    output.clear();
    expect(
      await main([
        "--root",
        root,
        ...BASE_ARGS,
        "--deployed",
        deployedAt({}),
        "--format",
        "outputs",
        "--batch-slots",
        "1",
      ]),
    ).toBe(0);
    expect(output.stdout()).toBe(
      [
        'tt02-canary=["abc-tt02"]',
        'tt02-batch-1=["xyz-tt02"]',
        'prod-canary=["abc-prod"]',
        'prod-batch-1=["xyz-prod"]',
        `deploy=${JSON.stringify(everyStack)}`,
        "",
      ].join("\n"),
    );
    void first;
    expect((await converge(root, "--deployed", deployedAt({ "abc-tt02": "main; rm -rf /" }))).code).toBe(2);
  });
});
