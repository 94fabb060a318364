import * as path from "node:path";
import { Command, Option } from "commander";
import { EXIT, parseCommandLine, withExitCodes } from "../cli/cli";
import { OutputDirectoryError } from "../files/outputDirectory";
import { buildPolicyPack } from "../tooling/policyPack";
import { REPO_ROOT } from "../repository/root";

interface Options {
  out: string;
}

/** `buildPolicyPack`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("build-policy-pack")
      .description("Write the policy pack as a self-contained directory for `pulumi policy publish`.")
      .addOption(
        new Option("--out <dir>", "where to write it").default(
          path.join(REPO_ROOT, "dist", "policy-pack"),
          "dist/policy-pack",
        ),
      ),
    {
      ok: "the pack was built",
      invalid: "the build failed",
      usage: "unknown option",
    },
  );
}

export function main(argv: readonly string[]): number {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const out = path.resolve(parsed.options.out);
  try {
    buildPolicyPack(REPO_ROOT, out);
  } catch (error) {
    if (!(error instanceof OutputDirectoryError)) throw error;
    process.stderr.write(`error: option '--out ${parsed.options.out}': ${error.message}\n`);
    return EXIT.usage;
  }
  process.stdout.write(`${out}\nnext: pulumi policy publish ${path.relative(process.cwd(), out) || "."}\n`);
  return EXIT.ok;
}
