import { existsSync } from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import { readFleetSources } from "../files/fleetReader";
import { todayUtc } from "../infra/model/dates";
import { ownerFilePath, validateFleet } from "../infra/model/fleet";
import { EXIT, parseCommandLine, withExitCodes } from "../cli/cli";
import { writeFileAtomic } from "../files/atomicWrite";
import {
  checkOrgCode,
  DEFAULT_ORG_REGISTRY,
  readOrgRegistry,
  registryEntry,
  remainingSteps,
  scaffoldOwnerFile,
} from "../onboarding/newOwner";
import { rootOption } from "../repository/root";

interface Options {
  registry: string;
  root: string;
}

/** `newOwner`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("new-owner")
      .description("Scaffold stacks/<org>.yaml for a service owner from Altinn's org registry.")
      .argument("<org>", "the owner's org code, as in the registry (e.g. digdir)")
      .addOption(
        new Option("--registry <url-or-file>", "Altinn's altinn-orgs.json")
          .env("ALTINN_ORGS_URL")
          .default(DEFAULT_ORG_REGISTRY),
      )
      .addOption(rootOption()),
    {
      ok: "`stacks/<org>.yaml` written",
      invalid:
        "the file exists, the org is not in the registry, the registry is unreachable (use `--registry <file>`) or unusable",
      usage: "not an org code, unknown option",
    },
  );
}

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { options, args } = parsed;
  const org = args[0] ?? "";
  const badCode = checkOrgCode(org);
  if (badCode) {
    process.stderr.write(`new-owner: ${badCode}\n`);
    return EXIT.usage;
  }
  const target = path.join(options.root, ownerFilePath(org));
  if (existsSync(target)) {
    process.stderr.write(`new-owner: ${ownerFilePath(org)} already exists\n`);
    return EXIT.invalid;
  }
  const registry = await readOrgRegistry(options.registry);
  const entry = registryEntry(registry, org);
  if (!entry) {
    process.stderr.write(`new-owner: "${org}" is not in the org registry (${options.registry})\n`);
    return EXIT.invalid;
  }
  // Exclusive: never through a symbolic link or over a file that appeared meanwhile.
  // The layers alone (no owner files): the version of the terms prod requires, for the scaffold's terms block.
  const { layers } = validateFleet({ ...readFleetSources(options.root), owners: [] }, todayUtc()).fleet;
  writeFileAtomic(target, scaffoldOwnerFile(org, entry, layers.prod?.termsOfUseVersion), { exclusive: true });
  const steps = remainingSteps(org, entry).map((step, index) => `${index + 1}. ${step}`);
  process.stdout.write(
    `Created ${ownerFilePath(org)} for ${JSON.stringify(entry.name.en)}.\n\nRemaining steps:\n${steps.join("\n")}\n`,
  );
  return EXIT.ok;
}
