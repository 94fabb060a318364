import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { loadFleet } from "../files/fleetReader";
import type { IsoDate } from "../infra/model/dates";
import { ownerFilePath } from "../infra/model/fleet";
import { EXIT, parseCommandLine, todayOption, UsageError, withExitCodes } from "../cli/cli";
import { rootOption } from "../repository/root";
import { acceptanceSteps, canaryStack, resolvedCommand, type StepContext } from "./azureAcceptance/steps";

interface Options {
  stack: string;
  canaryUser: string;
  execute: boolean;
  today: IsoDate;
  root: string;
}

/** `azureAcceptance`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("azure-acceptance")
      .description("Deploy, redeploy, refresh and probe a canary tt02 owner in real Azure (platform team only).")
      .requiredOption("--stack <org-tt02>", "the canary stack: a tt02 owner kept for this run")
      .requiredOption("--canary-user <upn>", "an existing tenant user for the grant renewal and expiry steps")
      .option("--execute", "run the commands (default: print them)", false)
      .addOption(todayOption())
      .addOption(rootOption()),
    {
      ok: "every step passed (or, without `--execute`, the commands printed)",
      invalid: "a step failed",
      usage: "missing `--stack` or `--canary-user`, not a tt02 stack, the tt02 layer missing or invalid",
    },
  );
}

/**
 * The real-Azure acceptance run (docs/operations/acceptance.md): never in CI. Without --execute it prints the
 * commands it would run; with it, it runs them in order against the canary stack, stops at the first failure, and
 * restores the owner file it edited for the renewal and expiry steps.
 */
export function main(argv: readonly string[]): number {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { options } = parsed;
  let org: string;
  try {
    ({ org } = canaryStack(options.stack));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const fleet = loadFleet(options.root, options.today);
  const layer = fleet.fleet.layers.tt02;
  if (!layer) throw new UsageError("Pulumi.tt02.yaml is missing or invalid");
  const ownerFile = path.join(options.root, ownerFilePath(org));
  const steps = acceptanceSteps({
    stack: options.stack,
    canaryUser: options.canaryUser,
    ownerFile,
    today: options.today,
    namespace: layer.appServiceAccount.namespace,
    serviceAccount: layer.appServiceAccount.name,
  });
  const context: StepContext = { outputs: {} };
  if (!options.execute) {
    for (const step of steps)
      process.stdout.write(
        `# ${step.name}${step.ownerFileEdit ? " (edits the owner file)" : ""}\n${resolvedCommand(step, context).join(" ")}\n`,
      );
    return EXIT.ok;
  }
  const original = readFileSync(ownerFile, "utf8");
  try {
    for (const step of steps) {
      if (step.ownerFileEdit) writeFileSync(ownerFile, step.ownerFileEdit(readFileSync(ownerFile, "utf8")));
      const [program = "", ...args] = resolvedCommand(step, context);
      process.stderr.write(`▶ ${step.name}\n`);
      const run = spawnSync(program, args, {
        cwd: options.root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      });
      const stdout = run.stdout ?? "";
      if (run.status !== 0) {
        process.stderr.write(`✗ ${step.name}: exit ${run.status ?? run.signal}\n${stdout}`);
        return EXIT.invalid;
      }
      step.remember?.(stdout, context);
      const failure = step.check?.(stdout, context);
      if (failure) {
        process.stderr.write(`✗ ${step.name}: ${failure}\n`);
        return EXIT.invalid;
      }
      process.stderr.write(`✓ ${step.name}\n`);
    }
  } finally {
    writeFileSync(ownerFile, original);
  }
  process.stdout.write(`acceptance passed on ${options.stack}\n`);
  return EXIT.ok;
}
