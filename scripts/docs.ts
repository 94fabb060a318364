import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { EXIT, parseCommandLine, rootOption, withExitCodes } from "../lib/cli";
import { generatedDocs } from "../lib/docs";
import { POLICIES } from "../policies/policies";

interface Options {
  check: boolean;
  root: string;
}

/** `docs`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("docs")
      .description("Regenerate what the docs take from code: the README's policy table and schemas/owner.schema.json.")
      .option("--check", "only report the files that are out of date (exit 1 if any)", false)
      .addOption(rootOption()),
    {
      ok: "files written, or `--check` finds none stale",
      invalid: "`--check`: a generated file is out of date",
      usage: "unknown option",
    },
  );
}

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { check, root } = parsed.options;
  const stale = (await generatedDocs(root, POLICIES)).filter(({ file, text }) => {
    const absolute = path.join(root, file);
    return !existsSync(absolute) || readFileSync(absolute, "utf8") !== text;
  });
  for (const { file, text } of stale) {
    if (check) {
      process.stderr.write(`${file}: out of date with the code; run npm run docs\n`);
    } else {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
      process.stdout.write(`wrote ${file}\n`);
    }
  }
  return check && stale.length > 0 ? EXIT.invalid : EXIT.ok;
}
