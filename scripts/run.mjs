// Runs one of the CLIs in scripts/ under plain Node: the TypeScript sources are compiled with esbuild first (about a
// tenth of a second), because a loader hook on every required file doubles the cost of importing the Pulumi SDK.
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outdir = path.join(root, "dist");
const SOURCE_DIRECTORIES = [
  "access",
  "cli",
  "contracts",
  "files",
  "infra",
  "onboarding",
  "plan",
  "policies",
  "report",
  "repository",
  "review",
  "runtime",
  "scripts",
  "tooling",
  "validation",
  "deploy",
];
// infra/index.ts is the Pulumi entry (run by the Pulumi CLI), and tests and their helpers are vitest's.
const isRuntimeSource = (file) =>
  file.endsWith(".ts") &&
  !file.endsWith(".test.ts") &&
  !file.endsWith(".d.ts") &&
  file !== path.join("infra", "index.ts");

function sources(directory) {
  return readdirSync(path.join(root, directory), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === "testing" ? [] : sources(relative);
    return isRuntimeSource(relative) ? [relative] : [];
  });
}

/** Compile only when a source (or this script) is newer than its output: most runs reuse dist/ as it is. */
function isStale(entryPoints) {
  const newestInput = Math.max(
    statSync(fileURLToPath(import.meta.url)).mtimeMs,
    ...entryPoints.map((file) => statSync(path.join(root, file)).mtimeMs),
  );
  return entryPoints.some((file) => {
    const output = path.join(outdir, file.replace(/\.ts$/, ".js"));
    return !existsSync(output) || statSync(output).mtimeMs < newestInput;
  });
}

const [command, ...args] = process.argv.slice(2);
const scripts = readdirSync(path.join(root, "scripts"))
  .filter((file) => isRuntimeSource(path.join("scripts", file)))
  .map((file) => file.slice(0, -".ts".length));
if (!scripts.includes(command)) {
  process.stderr.write(`usage: node scripts/run.mjs <script> [arguments…]; <script> is one of ${scripts.join(", ")}\n`);
  process.exit(2);
}
const entryPoints = SOURCE_DIRECTORIES.flatMap(sources);
if (isStale(entryPoints)) {
  const { buildSync } = await import("esbuild");
  buildSync({
    absWorkingDir: root,
    entryPoints,
    outdir,
    outbase: ".",
    format: "cjs",
    platform: "node",
    target: "node20",
    logLevel: "error",
  });
}
const require = createRequire(import.meta.url);
require(path.join(outdir, "runtime", "deferClosureSerializer.js"));
// cli/cli.ts owns exit codes and error output: the script's main runs only through it.
const { dropOutputToClosedPipes, runCli } = require(path.join(outdir, "cli", "cli.js"));
dropOutputToClosedPipes();
const { main } = require(path.join(outdir, "scripts", `${command}.js`));
process.exitCode = await runCli(command, main, args);
