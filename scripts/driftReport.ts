import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { classify, driftReport, type StackDrift } from "../deploy/drift";
import { EXIT, formatOption, parseCommandLine, todayOption, UsageError, withExitCodes } from "../cli/cli";
import type { IsoDate } from "../infra/model/dates";

interface Options {
  dir: string;
  main: string;
  runUrl: string;
  format: "markdown" | "json";
  today: IsoDate;
}

/**
 * What each drift job left in the directory: `<stack>.json` ({ deployedCommit, busy?, error? }) and, when the
 * preview ran, `<stack>.preview.json` (`pulumi preview --refresh --json`). A stack with neither is reported as an
 * error: its job did not finish.
 */
function readResults(dir: string, main: string): StackDrift[] {
  if (!existsSync(dir)) throw new UsageError(`${dir}: no such directory`);
  const stacks = readdirSync(dir)
    .filter((name) => /^[a-z0-9]+-[a-z0-9]+\.json$/.test(name))
    .map((name) => name.slice(0, -".json".length))
    .sort();
  return stacks.map((stack): StackDrift => {
    const file = path.join(dir, `${stack}.json`);
    try {
      const meta = JSON.parse(readFileSync(file, "utf8")) as {
        deployedCommit?: string;
        busy?: boolean;
        error?: string;
      };
      const deployedCommit = meta.deployedCommit || undefined;
      if (meta.busy) return { stack, status: "busy", deployedCommit, message: "a deploy holds the stack" };
      if (meta.error) return { stack, status: "error", deployedCommit, message: meta.error };
      const preview = path.join(dir, `${stack}.preview.json`);
      if (!existsSync(preview)) return { stack, status: "error", deployedCommit, message: "no preview output" };
      return classify(stack, main, deployedCommit, readFileSync(preview, "utf8"));
    } catch (error) {
      return { stack, status: "error", message: error instanceof Error ? error.message.split("\n")[0] : String(error) };
    }
  });
}

/** `driftReport`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("driftReport")
      .description(
        "Summarise the drift jobs' previews: drift by stack, resource and property; undeployed changes apart.",
      )
      .requiredOption("--dir <dir>", "the drift jobs' results")
      .requiredOption("--main <commit>", "main's commit the check ran at")
      .option("--run-url <url>", "the workflow run", "")
      .addOption(formatOption(["markdown", "json"], "markdown"))
      .addOption(todayOption()),
    {
      ok: "the summary written",
      invalid: "(never)",
      usage: "missing `--dir` or `--main`, no such directory, `--main` not a full commit SHA",
    },
  );
}

export function main(argv: readonly string[]): number {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { options } = parsed;
  if (!/^[0-9a-f]{40}$/.test(options.main)) throw new UsageError(`--main: expected a full commit SHA`);
  const report = driftReport(readResults(options.dir, options.main), {
    main: options.main,
    runUrl: options.runUrl,
    date: options.today,
  });
  if (options.format === "json") {
    const { drifted, behind, failed } = report;
    process.stdout.write(`${JSON.stringify({ drifted, behind, failed })}\n`);
  } else process.stdout.write(report.markdown);
  return EXIT.ok;
}
