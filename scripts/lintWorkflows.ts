import { Command } from "commander";
import { EXIT, parseCommandLine } from "../cli/cli";
import { REPO_ROOT } from "../repository/root";
import { formatWorkflowFindings, lintRepositoryWorkflows } from "../tooling/workflowLint";

interface Options {
  root: string;
}

export function main(argv: readonly string[]): number {
  const command = new Command("lintWorkflows")
    .description("Check .github/workflows and .github/actions against the repository's workflow security rules.")
    .option("--root <dir>", "repository root", REPO_ROOT);
  const parsed = parseCommandLine<Options>(command, argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const findings = lintRepositoryWorkflows(parsed.options.root);
  if (findings.length === 0) return EXIT.ok;
  process.stdout.write(formatWorkflowFindings(findings));
  process.stdout.write(`${findings.length} workflow problem(s)\n`);
  return EXIT.invalid;
}
