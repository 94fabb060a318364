import { existsSync } from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { ownerFilePath } from "../infra/model";
import { EXIT, parseCommandLine } from "../cli/cli";
import { writeFileAtomic } from "../infra/model/atomicWrite";
import {
  checkOrgCode,
  DEFAULT_ORG_REGISTRY,
  readOrgRegistry,
  registryEntry,
  remainingSteps,
  scaffoldOwnerFile,
} from "../onboarding/newOwner";
import { REPO_ROOT } from "../repository/root";

interface Options {
  registry: string;
  root: string;
}

export async function main(argv: readonly string[]): Promise<number> {
  const command = new Command("new-owner")
    .description("Scaffold stacks/<org>.yaml for a service owner from Altinn's org registry.")
    .argument("<org>", "the owner's org code, as in the registry (e.g. digdir)")
    .option(
      "--registry <url-or-file>",
      "Altinn's altinn-orgs.json",
      process.env["ALTINN_ORGS_URL"] ?? DEFAULT_ORG_REGISTRY,
    )
    .option("--root <dir>", "repository root", REPO_ROOT);
  const parsed = parseCommandLine<Options>(command, argv);
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
  writeFileAtomic(target, scaffoldOwnerFile(org, entry), { exclusive: true });
  const steps = remainingSteps(org, entry).map((step, index) =>
    step.startsWith("  ") ? `   ${step}` : `${index + 1}. ${step}`,
  );
  process.stdout.write(
    `Created ${ownerFilePath(org)} for ${JSON.stringify(entry.name.en)}.\n\nRemaining steps:\n${steps.join("\n")}\n`,
  );
  return EXIT.ok;
}
