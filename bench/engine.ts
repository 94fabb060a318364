import { cpus, loadavg } from "node:os";
import { ScratchProject } from "../test/engine/cli/project";
import { ensurePulumiCli } from "../test/engine/cli/pulumiCli";
import { measure, median, npmScript, seconds } from "./measure";

export const ENGINE_SECTION = "## pulumi preview beside the offline plan";
const STACK = "digdir-prod";

/**
 * `pulumi preview` of one sample stack on the real CLI (file backend, fake providers, the stack already up, so the
 * engine diffs against state as on any day after the first) beside `npm run plan` of the same stack of the same
 * scratch repository, both cold processes, measured alternately in the same run.
 */
export function engineReport(runs: number): string {
  const cli = ensurePulumiCli((line) => process.stderr.write(`${line}\n`));
  const project = new ScratchProject(cli, "2026-11-23T09:00:00Z");
  process.stderr.write(`engine: ${STACK} on Pulumi CLI ${cli.version}\n`);
  project.ok("stack", "init", STACK, "--secrets-provider", "passphrase");
  project.ok("up", "--yes", "--stack", STACK);
  const previews: number[] = [];
  const plans: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    project.ok("preview", "--stack", STACK, "--expect-no-changes");
    previews.push((performance.now() - started) / 1000);
    const plan = measure([
      ...npmScript("plan"),
      "--root",
      project.root,
      "--stack",
      STACK,
      "--format",
      "json",
      "--no-cache",
    ]);
    plans.push(plan.wallSeconds);
  }
  const preview = median(previews);
  const plan = median(plans);
  return [
    ENGINE_SECTION,
    "",
    `Medians of ${runs} alternating cold runs on one scratch copy of the repository, ${STACK} already up. Pulumi CLI ${cli.version} (${cli.origin}); fake azure-native/azuread plugins (test/engine/cli). Load average at the start: ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores.`,
    "",
    "| command | seconds |",
    "|---|---|",
    `| \`pulumi preview -s ${STACK}\` (real engine, language host, ts-node transpiling only, fake providers, no policy pack) | ${seconds(preview)} |`,
    `| \`npm run plan -- --stack ${STACK} --no-cache\` (offline plan, policies included) | ${seconds(plan)} |`,
    `| ratio preview / plan | ${(preview / plan).toFixed(1)} |`,
  ].join("\n");
}
