import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { writeFileAtomic } from "../../../files/atomicWrite";
import { REPO_ROOT } from "../../../repository/root";
import type { PulumiCli } from "./pulumiCli";

const HERE = path.join(REPO_ROOT, "test", "engine", "cli");

/**
 * The fake provider plugins as one compiled file (esbuild, a quarter of a second), built once per test process. The
 * engine starts both plugins on every CLI run: through tsx's loader hook each start took 3-7 s on this 2-core
 * machine, compiled 1.5-3 s. It lives under node_modules so that its packages resolve from there, named by its
 * content so that a concurrent run (a benchmark beside the tests) never rewrites the file a plugin is loading.
 */
let compiledFakeProvider: string | undefined;

function fakeProviderPlugin(): string {
  if (compiledFakeProvider) return compiledFakeProvider;
  const [output] = buildSync({
    entryPoints: [path.join(HERE, "fakeProvider.ts")],
    bundle: true,
    packages: "external",
    platform: "node",
    target: "node20",
    format: "cjs",
    write: false,
    logLevel: "error",
  }).outputFiles;
  if (!output) throw new Error("esbuild produced no fake provider");
  const digest = createHash("sha256").update(output.contents).digest("hex").slice(0, 16);
  const file = path.join(REPO_ROOT, "node_modules", ".cache", "engine-fakes", `fakeProvider-${digest}.js`);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    // Two test processes may build it at once: each writes whole, so a starting plugin never reads half a file.
    writeFileAtomic(file, output.contents);
  }
  return (compiledFakeProvider = file);
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One engine event of `--event-log` (only the fields the tests read). */
export interface EngineEvent {
  readonly resourcePreEvent?: {
    readonly metadata: { readonly op: string; readonly urn: string; readonly type: string };
  };
  readonly diagnosticEvent?: { readonly message: string; readonly severity: string };
  readonly policyEvent?: { readonly policyName: string; readonly enforcementLevel: string; readonly message: string };
}

/** A resource of `pulumi stack export`. */
export interface ExportedResource {
  readonly urn: string;
  readonly type: string;
  readonly custom: boolean;
  readonly id?: string;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  readonly protect?: boolean;
  readonly parent?: string;
  readonly provider?: string;
}

/**
 * A scratch copy of the repository (its tracked and new files, node_modules linked) with its own file backend,
 * PULUMI_HOME, fake Azure and clock: what a platform engineer's clone is, minus Azure.
 */
export class ScratchProject {
  readonly root: string;
  private readonly work: string;
  private readonly env: NodeJS.ProcessEnv;
  /** The instant the program, the policy pack and the fake providers take as now (FIXED_CLOCK). */
  clock: string;

  constructor(
    private readonly cli: PulumiCli,
    clock: string,
  ) {
    this.work = mkdtempSync(path.join(tmpdir(), "altinn-apps-engine-"));
    this.root = path.join(this.work, "repo");
    this.clock = clock;
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    })
      .split("\0")
      .filter((file) => file && existsSync(path.join(REPO_ROOT, file)));
    for (const file of files) {
      mkdirSync(path.dirname(path.join(this.root, file)), { recursive: true });
      cpSync(path.join(REPO_ROOT, file), path.join(this.root, file));
    }
    for (const modules of ["node_modules", path.join("policies", "node_modules")]) {
      if (existsSync(path.join(REPO_ROOT, modules)))
        symlinkSync(path.join(REPO_ROOT, modules), path.join(this.root, modules));
    }
    mkdirSync(path.join(this.work, "state"));
    this.env = {
      ...process.env,
      PATH: [cli.bin, path.join(HERE, "bin"), process.env["PATH"]].join(path.delimiter),
      PULUMI_HOME: path.join(this.work, "pulumi-home"),
      PULUMI_BACKEND_URL: `file://${path.join(this.work, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "engine tests",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_ACCESS_TOKEN: "",
      FAKE_AZURE_DIR: path.join(this.work, "azure"),
      FAKE_PROVIDER_JS: fakeProviderPlugin(),
      NODE_OPTIONS: `--require ${path.join(HERE, "fixedClock.cjs")}`,
      NO_COLOR: "1",
      PULUMI_DEBUG_COMMANDS: "true", // enables --event-log on preview (pkg/cmd/pulumi/operations/preview.go)
      // ts-node type-checks the program and the pack on every start (a minute each on a loaded 2-core machine):
      // `npm run typecheck` checks the same sources, so the runs after the first transpile only (typeCheck below).
      PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    };
  }

  /** Whether the next run type-checks the program and the pack, as a user's run does (ts-node's default). */
  typeCheck = false;

  /** Runs the CLI in the scratch repository; `--non-interactive` always. */
  pulumi(...args: string[]): CliResult {
    const env: NodeJS.ProcessEnv = { ...this.env, FIXED_CLOCK: this.clock };
    if (this.typeCheck) delete env["PULUMI_NODEJS_TRANSPILE_ONLY"];
    const result = spawnSync(path.join(this.cli.bin, "pulumi"), [...args, "--non-interactive"], {
      cwd: this.root,
      env,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) throw result.error;
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** Runs the CLI and fails with its output unless it exits 0. */
  ok(...args: string[]): CliResult {
    const result = this.pulumi(...args);
    if (result.status !== 0) {
      throw new Error(`pulumi ${args.join(" ")} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
    }
    return result;
  }

  /** Runs the CLI with an event log and returns the exit status and the events. */
  withEvents(...args: string[]): CliResult & { events: EngineEvent[] } {
    const log = path.join(this.work, `events-${Date.now()}.jsonl`);
    const result = this.pulumi(...args, "--event-log", log);
    const events = existsSync(log)
      ? readFileSync(log, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((line) => JSON.parse(line) as EngineEvent)
      : [];
    return { ...result, events };
  }

  exportState(stack: string): ExportedResource[] {
    const exported = JSON.parse(this.ok("stack", "export", "--stack", stack).stdout) as {
      deployment: { resources?: ExportedResource[] };
    };
    return exported.deployment.resources ?? [];
  }

  /** Runs one of the repository's npm scripts in the scratch repository, on the scratch clock; fails unless it exits 0. */
  private npm(script: string, ...args: string[]): string {
    const result = spawnSync("npm", ["run", "--silent", script, "--", ...args], {
      cwd: this.root,
      env: { ...this.env, FIXED_CLOCK: this.clock },
      encoding: "utf8",
    });
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`npm run ${script} exited ${result.status}\n${result.stderr}`);
    return result.stdout;
  }

  /** The policy pack's config as the workflows write it (`npm run policy-config`), as of a day; its file. */
  policyConfig(today: string): string {
    return this.write(`policy-config-${today}.json`, this.npm("policy-config", "--today", today));
  }

  /**
   * What pulumi-up.yml does before `pulumi up`: the schedules Entra ID has ended (`npm run ended-schedules` on the
   * exported state, as of the scratch clock), each forgotten with `pulumi state delete`. Returns their URNs.
   */
  forgetEndedSchedules(stack: string): string[] {
    const state = path.join(this.work, `state-${stack}.json`);
    this.ok("stack", "export", "--stack", stack, "--file", state);
    const urns = this.npm("ended-schedules", "--state", state, "--now", this.clock).split("\n").filter(Boolean);
    for (const urn of urns) this.ok("state", "delete", "--stack", stack, "--yes", urn);
    return urns;
  }

  /** Edits a file of the scratch repository. */
  edit(file: string, change: (text: string) => string): void {
    const target = path.join(this.root, file);
    const before = readFileSync(target, "utf8");
    const after = change(before);
    if (after === before) throw new Error(`the edit of ${file} changed nothing`);
    writeFileSync(target, after);
  }

  write(file: string, text: string): string {
    const target = path.join(this.work, file);
    writeFileSync(target, text);
    return target;
  }

  /** The resources the fake Azure holds (one file per resource). */
  azureResourceCount(): number {
    const dir = path.join(this.work, "azure");
    return existsSync(dir) ? readdirSync(dir).length : 0;
  }
}

/** The ops the engine announced, per URN, in order. */
export function operations(events: readonly EngineEvent[]): { op: string; urn: string; type: string }[] {
  return events.flatMap((event) => (event.resourcePreEvent ? [event.resourcePreEvent.metadata] : []));
}
