import * as path from "node:path";
import { Command, Option } from "commander";
import { readFleetSources } from "../files/fleetReader";
import type { IsoDate } from "../infra/model/dates";
import { formatProblem } from "../infra/model/problem";
import { EXIT, parseCommandLine, todayOption, withExitCodes } from "../cli/cli";
import { FileWriteError } from "../files/atomicWrite";
import { OutputDirectoryError } from "../files/outputDirectory";
import { rootOption } from "../repository/root";
import { writeAccessReport, type ReportResult } from "../report/site";

interface Options {
  out: string;
  today: IsoDate;
  root: string;
  commitUrl?: string;
}

/** `report`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("report")
      .description("Write the access report (who has what, since when, until when) as a static site.")
      .option("--out <dir>", "directory to write the site to", "site")
      .addOption(todayOption())
      .addOption(rootOption())
      .addOption(
        new Option("--commit-url <prefix>", "link commits as <prefix><commit id> (https only)").env(
          "REPORT_COMMIT_URL",
        ),
      ),
    {
      ok: "the site written",
      invalid: "invalid owner files or layers (nothing written; expired grants do not block)",
      usage: "unknown option, bad `--today`, an `--out` that cannot be written, a `--commit-url` that is not https",
    },
  );
}

export function main(argv: readonly string[]): number {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { options } = parsed;
  const outDir = path.resolve(options.out);
  const sources = readFleetSources(options.root);
  let result: ReportResult;
  try {
    // Only writing can fail here with a system error: the sources are read, and git's absence means no history.
    result = writeAccessReport({
      root: options.root,
      sources,
      outDir,
      today: options.today,
      generatedAt: new Date(),
      commitUrl: options.commitUrl,
    });
  } catch (error) {
    if (error instanceof OutputDirectoryError) {
      process.stderr.write(`error: option '--out ${options.out}': ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof FileWriteError) {
      process.stderr.write(`report: ${error.message}\n`);
      return EXIT.invalid;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    process.stderr.write(`error: option '--out ${options.out}': cannot write the site there (${code})\n`);
    return EXIT.usage;
  }
  if (!result.ok) {
    const files = new Set(result.problems.map((problem) => problem.file)).size;
    process.stdout.write(
      `${result.problems.map(formatProblem).join("\n")}\n\n${result.problems.length} problem(s) in ${files} file(s); no report was written\n`,
    );
    return EXIT.invalid;
  }
  const { report, pages } = result;
  if (report.history.available)
    for (const warning of report.history.warnings) process.stderr.write(`report: warning: ${warning}\n`);
  const history = report.history.available
    ? `history from ${report.history.commits} commit(s)${report.history.shallow ? " of a shallow clone" : ""}`
    : `no history: ${report.history.reason}`;
  process.stdout.write(`wrote ${path.join(outDir, "index.html")} and ${pages.length - 1} owner page(s) (${history})\n`);
  return EXIT.ok;
}
