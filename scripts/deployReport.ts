import { readFileSync } from "node:fs";
import { Command } from "commander";
import { stacksBehind, type RunJob } from "../deploy/waves";
import { EXIT, parseCommandLine, UsageError, withExitCodes } from "../cli/cli";
import { code } from "../cli/markdown";

interface Options {
  selected: string;
  jobs: string;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`${file}: not a JSON file (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** `deployReport`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("deployReport")
      .description("List the stacks a deploy run selected that are still behind main (failed, cancelled, not started).")
      .requiredOption("--selected <file>", "JSON array: the stacks the run selected")
      .requiredOption(
        "--jobs <file>",
        "JSON array: the run's jobs as the GitHub API lists them (name, conclusion, steps)",
      ),
    {
      ok: "every selected stack reached main",
      invalid: "a selected stack is still behind main (failed, cancelled, not started)",
      usage: "missing `--selected` or `--jobs`, a file that is not the JSON array expected",
    },
  );
}

/** After a deploy run: the selected stacks still behind main, as markdown for the job summary; exit 1 if any. */
export function main(argv: readonly string[]): number {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const selected = readJson(parsed.options.selected);
  const jobs = readJson(parsed.options.jobs);
  if (!Array.isArray(selected) || !selected.every((stack) => typeof stack === "string")) {
    throw new UsageError(`${parsed.options.selected}: expected a JSON array of stack names`);
  }
  if (!Array.isArray(jobs)) throw new UsageError(`${parsed.options.jobs}: expected a JSON array of jobs`);
  const behind = stacksBehind(selected as string[], jobs as RunJob[]);
  process.stdout.write(
    [
      `## Deploy: ${selected.length - behind.length} of ${selected.length} selected stack(s) deployed`,
      "",
      ...(behind.length > 0
        ? [
            "Still behind main (the next push or the scheduled catch-up selects them again; docs/operations/runbooks.md):",
            "",
            ...behind.map(({ stack, why }) => `- ${code(stack)}: ${why}`),
          ]
        : ["Every selected stack is deployed at this run's commit."]),
      "",
    ].join("\n"),
  );
  return behind.length > 0 ? EXIT.invalid : EXIT.ok;
}
