import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../../repository/root";

/** Where `npm run test:engine` builds the CLI and the language host (git ignores node_modules). */
export const CLI_BIN = path.join(REPO_ROOT, "node_modules", ".cache", "pulumi-cli", "bin");
const MODULE_DIR = path.join(REPO_ROOT, "tools", "pulumi-cli");
const MODULE_INPUTS = ["go.mod", "go.sum", path.join("pulumi-language-nodejs", "main.go")];

export interface PulumiCli {
  /** The folder holding `pulumi` and `pulumi-language-nodejs`. */
  readonly bin: string;
  /** What `pulumi version` prints, e.g. v3.248.0. */
  readonly version: string;
  readonly origin: "PATH" | "cached build" | "new build";
}

/** The @pulumi/pulumi version the lockfile installs: the CLI is built at the same version. */
export function lockedSdkVersion(): string {
  const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string }>;
  };
  const version = lock.packages["node_modules/@pulumi/pulumi"]?.version;
  if (!version) throw new Error("package-lock.json does not install @pulumi/pulumi");
  return version;
}

function requiredCliVersion(): string {
  const goMod = readFileSync(path.join(MODULE_DIR, "go.mod"), "utf8");
  const match = /github\.com\/pulumi\/pulumi\/pkg\/v3 (v\S+)/.exec(goMod);
  if (!match?.[1]) throw new Error("tools/pulumi-cli/go.mod does not require github.com/pulumi/pulumi/pkg/v3");
  return match[1];
}

function versionOf(pulumi: string): string {
  return execFileSync(pulumi, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "1" } })
    .trim()
    .split("\n")[0] as string;
}

function onPath(command: string): string | undefined {
  const found = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

function inputsDigest(version: string): string {
  const hash = createHash("sha256").update(version);
  for (const file of MODULE_INPUTS) hash.update(readFileSync(path.join(MODULE_DIR, file)));
  return hash.digest("hex");
}

/**
 * The Pulumi CLI the engine tests run: an installed `pulumi` (with its language host beside it) when there is one,
 * else the build of tools/pulumi-cli in node_modules/.cache/pulumi-cli/bin, rebuilt when its sources change. Go's own
 * caches (GOMODCACHE, GOCACHE) make a rebuild on the same machine a relink.
 */
export function ensurePulumiCli(log: (line: string) => void = console.log): PulumiCli {
  const installed = onPath("pulumi");
  if (installed && !process.env["PULUMI_CLI_BUILD"]) {
    const bin = path.dirname(installed);
    if (!existsSync(path.join(bin, "pulumi-language-nodejs")))
      throw new Error(`${installed} has no pulumi-language-nodejs beside it`);
    return { bin, version: versionOf(installed), origin: "PATH" };
  }
  const sdkVersion = lockedSdkVersion();
  const cliVersion = requiredCliVersion();
  if (cliVersion !== `v${sdkVersion}`) {
    throw new Error(
      `tools/pulumi-cli/go.mod builds the CLI ${cliVersion}, but package-lock.json installs @pulumi/pulumi ${sdkVersion}: ` +
        "require github.com/pulumi/pulumi/pkg/v3 and sdk/v3 at the same version (then go mod tidy)",
    );
  }
  const pulumi = path.join(CLI_BIN, "pulumi");
  const stamp = path.join(CLI_BIN, ".inputs");
  const digest = inputsDigest(cliVersion);
  if (existsSync(pulumi) && existsSync(stamp) && readFileSync(stamp, "utf8") === digest) {
    return { bin: CLI_BIN, version: versionOf(pulumi), origin: "cached build" };
  }
  mkdirSync(CLI_BIN, { recursive: true });
  log(`building the Pulumi CLI ${cliVersion} and its Node.js language host with Go (minutes on a cold machine)`);
  const started = Date.now();
  execFileSync(
    "go",
    [
      "build",
      "-trimpath",
      "-ldflags",
      `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${cliVersion}`,
      "-o",
      `${CLI_BIN}${path.sep}`,
      "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
      "./pulumi-language-nodejs",
    ],
    { cwd: MODULE_DIR, stdio: "inherit", env: { ...process.env, GOFLAGS: "-mod=readonly" } },
  );
  writeFileSync(stamp, digest);
  log(`built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return { bin: CLI_BIN, version: versionOf(pulumi), origin: "new build" };
}
