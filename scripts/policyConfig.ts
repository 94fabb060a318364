import { Command } from "commander";
import { loadFleet } from "../files/fleetReader";
import type { IsoDate } from "../infra/model/dates";
import { formatProblem } from "../infra/model/problem";
import { EXIT, parseCommandLine, todayOption, withExitCodes } from "../cli/cli";
import { packConfigForFleet } from "../policies/packConfig";
import { rootOption } from "../repository/root";

interface Options {
  today: IsoDate;
  root: string;
}

/** `policyConfig`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("policy-config")
      .description("Write the policy pack's config (registry, just-in-time setting) from the fleet, as JSON.")
      .addOption(todayOption())
      .addOption(rootOption()),
    {
      ok: "the config written (invalid owner files left out and listed on stderr)",
      invalid: "(never)",
      usage: "unknown option, bad `--today`",
    },
  );
}

/**
 * The policy pack's config from the fleet, for `pulumi preview/up --policy-pack policies --policy-pack-config <file>`
 * (the workflows pass it through pulumi/actions' `policyPackConfigs`). The pack never reads the repository itself:
 * without this config its fleet-dependent policies refuse prod. The same config `npm run plan` passes in-process.
 */
export function main(argv: readonly string[]): number {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { options } = parsed;
  const { fleet, problems, expiredGrants } = loadFleet(options.root, options.today);
  // As the plan does: an owner file or layer that is invalid stays out of the config, so the policies refuse that
  // owner (or every prod stack, without the prod layer). Expired grants are the removal job's, as in resolveStack.
  const invalid = problems.filter((problem) => !expiredGrants.includes(problem));
  for (const problem of invalid) process.stderr.write(`policy-config: ${formatProblem(problem)}\n`);
  if (invalid.length > 0) {
    process.stderr.write(
      `policy-config: ${invalid.length} problem(s); what they make invalid is left out, so the policies refuse it in prod\n`,
    );
  }
  process.stdout.write(`${JSON.stringify(packConfigForFleet(fleet, options.today), null, 2)}\n`);
  return EXIT.ok;
}
