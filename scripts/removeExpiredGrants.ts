import { Command } from "commander";
import { formatProblem, type IsoDate } from "../infra/model";
import { EXIT, parseCommandLine, todayOption } from "../cli/cli";
import { removeExpiredGrants } from "../access/expiredGrantRemoval";
import { code } from "../cli/markdown";
import { REPO_ROOT } from "../repository/root";

interface Options {
  today: IsoDate;
  root: string;
}

export function main(argv: readonly string[]): number {
  const command = new Command("remove-expired-grants")
    .description(
      "Delete expired grants from stacks/ (the daily expiry sweep); prints a markdown list of what was removed.",
    )
    .addOption(todayOption())
    .option("--root <dir>", "repository root", REPO_ROOT);
  const parsed = parseCommandLine<Options>(command, argv);
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
