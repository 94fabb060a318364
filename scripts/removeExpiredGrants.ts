import { Command } from "commander";
import type { IsoDate } from "../infra/model/dates";
import { formatProblem } from "../infra/model/problem";
import { EXIT, parseCommandLine, todayOption, withExitCodes } from "../cli/cli";
import { removeExpiredGrants } from "../access/expiredGrantRemoval";
import { code } from "../cli/markdown";
import { rootOption } from "../repository/root";

interface Options {
  today: IsoDate;
  root: string;
}

/** `removeExpiredGrants`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("remove-expired-grants")
      .description(
        "Delete expired grants from stacks/ (the daily expiry sweep); prints a markdown list of what was removed.",
      )
      .addOption(todayOption())
      .addOption(rootOption()),
    {
      ok: "expired grants removed (or none)",
      invalid: "an owner file could not be edited safely (left unchanged, the others swept)",
      usage: "unknown option, bad `--today`",
    },
  );
}

export function main(argv: readonly string[]): number {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { removed, refused } = removeExpiredGrants(parsed.options.root, parsed.options.today);
  const lines = removed.map(
    (grant) =>
      `- ${code(grant.file)}: ${code(grant.user)}, ${grant.role} in ${grant.environment} (expired ${grant.expires})`,
  );
  process.stdout.write(
    removed.length === 0 ? "No expired grants.\n" : `Expired grants removed:\n\n${lines.join("\n")}\n`,
  );
  for (const problem of refused) process.stderr.write(`remove-expired-grants: ${formatProblem(problem)}\n`);
  return refused.length > 0 ? EXIT.invalid : EXIT.ok;
}
