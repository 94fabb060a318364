import * as path from "node:path";
import { Command, Option } from "commander";
import { EXIT, parseCommandLine, withExitCodes } from "../lib/cli";
import { buildPolicyPack } from "../lib/policyPack";
import { REPO_ROOT } from "../lib/repo";

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
  buildPolicyPack(REPO_ROOT, out);
  process.stdout.write(`${out}\nnext: pulumi policy publish ${path.relative(process.cwd(), out) || "."}\n`);
  return EXIT.ok;
}
