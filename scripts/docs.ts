import { existsSync, mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { EXIT, parseCommandLine, withExitCodes } from "../cli/cli";
import { writeFileAtomic } from "../files/atomicWrite";
import { generatedDocs } from "../tooling/docs";
import { REPO_ROOT, rootOption } from "../repository/root";
import { POLICIES } from "../policies/policies";
import * as accessDiff from "./accessDiff";
import * as azureAcceptance from "./azureAcceptance";
import * as buildPolicyPack from "./buildPolicyPack";
import * as converge from "./converge";
import * as deployReport from "./deployReport";
import * as driftReport from "./driftReport";
import * as endedSchedules from "./endedSchedules";
import * as expiring from "./expiring";
import * as generateContracts from "./generateContracts";
import * as lintWorkflows from "./lintWorkflows";
import * as newOwner from "./newOwner";
import * as plan from "./plan";
import * as policyConfig from "./policyConfig";
import * as prComment from "./prComment";
import * as removeExpiredGrants from "./removeExpiredGrants";
import * as report from "./report";
import * as validate from "./validate";

interface Options {
  check: boolean;
  root: string;
}

/** `docs`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("docs")
      .description(
        "Regenerate what the docs take from code: the generated sections of docs/reference/ and schemas/owner.schema.json.",
      )
      .option("--check", "only report the files that are out of date (exit 1 if any)", false)
      .addOption(rootOption()),
    {
      ok: "files written, or `--check` finds none stale",
      invalid: "`--check`: a generated file is out of date",
      usage: "unknown option",
    },
  );
}

/** Every command's definition, by the script name scripts/run.mjs takes (a test checks none is missing). */
export function commandDefinitions(): Record<string, Command> {
  const modules = {
    validate,
    plan,
    accessDiff,
    prComment,
    newOwner,
    expiring,
    removeExpiredGrants,
    report,
    docs: { command },
    buildPolicyPack,
    lintWorkflows,
    policyConfig,
    endedSchedules,
    converge,
    deployReport,
    driftReport,
    azureAcceptance,
    generateContracts,
  };
  return Object.fromEntries(Object.entries(modules).map(([script, module]) => [script, module.command()]));
}

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { check, root } = parsed.options;
  const npmScripts = (
    JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const generated = await generatedDocs(root, {
    policies: POLICIES,
    commands: commandDefinitions(),
    npmScripts,
    codeRoot: REPO_ROOT,
  });
  const stale = generated.filter(({ file, text }) => {
    const absolute = path.join(root, file);
    return !existsSync(absolute) || readFileSync(absolute, "utf8") !== text;
  });
  for (const { file, text } of stale) {
    if (check) {
      process.stderr.write(`${file}: out of date with the code; run npm run docs\n`);
    } else {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileAtomic(path.join(root, file), text);
      process.stdout.write(`wrote ${file}\n`);
    }
  }
  return check && stale.length > 0 ? EXIT.invalid : EXIT.ok;
}
