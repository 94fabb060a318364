import { Command } from "commander";
import { EXIT, parseCommandLine, withExitCodes } from "../cli/cli";
import { rootOption } from "../repository/root";
import { formatWorkflowFindings, lintRepositoryWorkflows } from "../tooling/workflowLint";

interface Options {
  root: string;
}

/** `lintWorkflows`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("lintWorkflows")
      .description("Check .github/workflows and .github/actions against the repository's workflow security rules.")
      .addOption(rootOption()),
    {
      ok: "no finding",
      invalid: "a workflow breaks a rule of `tooling/workflowLint.ts`",
      usage: "unknown option",
    },
  );
}

export function main(argv: readonly string[]): number {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const findings = lintRepositoryWorkflows(parsed.options.root);
  if (findings.length === 0) return EXIT.ok;
  process.stdout.write(formatWorkflowFindings(findings));
  process.stdout.write(`${findings.length} workflow problem(s)\n`);
  return EXIT.invalid;
}
