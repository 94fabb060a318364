import { Command } from "commander";
import type { IsoDate } from "../infra/model";
import { EXIT, formatOption, parseCommandLine, rootOption, todayOption, withExitCodes } from "../lib/cli";
import { assertCommit, changedFilesSince, fleetSourcesAt } from "../lib/git";
import { toRepoPath } from "../lib/repo";
import { formatValidateJson, formatValidateText, validateRepository } from "../lib/validate";

interface Options {
  base?: string;
  format: "text" | "json";
  changedSince?: string;
  strictFiles?: string[];
  today: IsoDate;
  root: string;
}

/** `validate`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("validate")
      .description("Validate the owner files in stacks/ and the environment layers Pulumi.<env>.yaml.")
      .argument("[paths...]", "owner files to report on (default: all of stacks/)")
      .option("--base <ref>", "also check changes since this git ref (Kubernetes versions go up one minor at a time)")
      .addOption(formatOption(["text", "json"], "text"))
      .addOption(todayOption())
      .option("--changed-since <ref>", "fail only on owner files changed since <ref>; others' problems are warnings")
      .option("--strict-files <paths...>", "fail only on these owner files; others' problems are warnings")
      .addOption(rootOption()),
    {
      ok: "every file valid (warnings allowed)",
      invalid: "any problem in a file it is strict about",
      usage: "unknown option, bad `--format`/`--today`, a ref that is not a commit",
    },
  );
}

export function main(argv: readonly string[]): number {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { options, args } = parsed;
  const files = args.length > 0 ? args.map((file) => toRepoPath(options.root, file)) : undefined;
  let strictFiles = options.strictFiles?.map((file) => toRepoPath(options.root, file));
  if (options.changedSince !== undefined) {
    const commit = assertCommit(options.root, options.changedSince);
    strictFiles = [...(strictFiles ?? []), ...changedFilesSince(options.root, commit)];
  }
  const base = options.base ? fleetSourcesAt(options.root, assertCommit(options.root, options.base)) : undefined;
  const report = validateRepository(options.root, options.today, { files, strictFiles, base });
  process.stdout.write(options.format === "json" ? formatValidateJson(report) : formatValidateText(report));
  return report.valid ? EXIT.ok : EXIT.invalid;
}
