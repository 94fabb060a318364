import { Command } from "commander";
import type { IsoDate } from "../infra/model/dates";
import { environmentLayerFileName } from "../infra/model/environment";
import { STACKS_DIR } from "../infra/model/fleet";
import type { FleetSources } from "../infra/model/fleetShape";
import { ENVIRONMENTS } from "../infra/model/schema";
import { EXIT, formatOption, parseCommandLine, todayOption, withExitCodes } from "../cli/cli";
import { assertCommit, changedFilesSince, fleetSourcesAt, headCommitOf } from "../repository/git";
import { rootOption, toRepoPath } from "../repository/root";
import { formatValidateJson, formatValidateText, validateRepository } from "../validation/validateRepository";

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

/**
 * Without --base, owner files or layers changed in the working tree are checked against the last commit too, so a
 * Kubernetes version that goes down or skips a minor fails here, not first in the pull request.
 */
function committedFleetIfChanged(root: string): FleetSources | undefined {
  const head = headCommitOf(root);
  if (!head) return undefined;
  const fleetFiles = [...ENVIRONMENTS.map(environmentLayerFileName), `${STACKS_DIR}/`];
  const changed = changedFilesSince(root, head).filter((file) =>
    fleetFiles.some((fleetFile) => (fleetFile.endsWith("/") ? file.startsWith(fleetFile) : file === fleetFile)),
  );
  return changed.length > 0 ? fleetSourcesAt(root, head) : undefined;
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
  const base = options.base
    ? fleetSourcesAt(options.root, assertCommit(options.root, options.base))
    : committedFleetIfChanged(options.root);
  const report = validateRepository(options.root, options.today, { files, strictFiles, base });
  process.stdout.write(options.format === "json" ? formatValidateJson(report) : formatValidateText(report));
  return report.valid ? EXIT.ok : EXIT.invalid;
}
