import { Command } from "commander";
import type { IsoDate } from "../infra/model";
import { EXIT, formatOption, parseCommandLine, todayOption } from "../lib/cli";
import { REPO_ROOT, toRepoPath } from "../lib/repo";
import { formatValidateJson, formatValidateText, validateRepository } from "../lib/validate";

interface Options {
  format: "text" | "json";
  today: IsoDate;
  root: string;
}

export function main(argv: readonly string[]): number {
  const command = new Command("validate")
    .description("Validate the owner files in stacks/ and the environment layers Pulumi.<env>.yaml.")
    .argument("[paths...]", "owner files to report on (default: all of stacks/)")
    .addOption(formatOption(["text", "json"], "text"))
    .addOption(todayOption())
    .option("--root <dir>", "repository root", REPO_ROOT);
  const parsed = parseCommandLine<Options>(command, argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { options, args } = parsed;
  const files = args.length > 0 ? args.map((file) => toRepoPath(options.root, file)) : undefined;
  const report = validateRepository(options.root, options.today, files);
  process.stdout.write(options.format === "json" ? formatValidateJson(report) : formatValidateText(report));
  return report.valid ? EXIT.ok : EXIT.invalid;
}
