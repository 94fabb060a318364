import { Command } from "commander";
import { loadFleet } from "../files/fleetReader";
import type { IsoDate } from "../infra/model/dates";
import { EXIT, formatOption, integerOption, parseCommandLine, todayOption, withExitCodes } from "../cli/cli";
import {
  expiringGrants,
  formatExpiringJson,
  formatExpiringMarkdown,
  formatExpiringText,
  stacksToReconcile,
} from "../access/expiringGrants";
import { rootOption } from "../repository/root";

interface Options {
  within: number;
  owner?: string;
  reconcile: boolean;
  format: "text" | "markdown" | "json";
  today: IsoDate;
  root: string;
}

/** `expiring`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("expiring")
      .description("List, per owner, the grants that expire within N days (the weekly reminders).")
      .addOption(integerOption("--within <days>", "days ahead to look", 0, 9999).default(30))
      .option("--owner <org>", "only this owner (the body of its reminder issue)")
      .option(
        "--reconcile",
        "instead: the membership-model stacks whose grants ended in the last days, as JSON {tt02, prod}",
        false,
      )
      .addOption(formatOption(["text", "markdown", "json"], "text"))
      .addOption(todayOption())
      .addOption(rootOption()),
    {
      ok: "the list (or `--reconcile` JSON)",
      invalid: "never: invalid owner files are left out, `validate` reports them",
      usage: "`--within` not 0-9999, `--owner` not a valid owner, bad `--format`/`--today`",
    },
  );
}

export function main(argv: readonly string[]): number {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { options } = parsed;
  const { fleet } = loadFleet(options.root, options.today);
  if (options.reconcile) {
    process.stdout.write(`${JSON.stringify(stacksToReconcile(fleet, options.today))}\n`);
    return EXIT.ok;
  }
  if (options.owner !== undefined && !fleet.owners.some(({ owner }) => owner.org === options.owner)) {
    process.stderr.write(`expiring: --owner: no valid owner file for "${options.owner}" in stacks/\n`);
    return EXIT.usage;
  }
  const report = expiringGrants(fleet, options.today, options.within, options.owner);
  const format = { text: formatExpiringText, markdown: formatExpiringMarkdown, json: formatExpiringJson }[
    options.format
  ];
  process.stdout.write(format(report));
  return EXIT.ok;
}
