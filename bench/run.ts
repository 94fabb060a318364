import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { Command } from "commander";
import { parse, stringify } from "yaml";
import { REPO_ROOT } from "../repository/root";
import { engineReport } from "./engine";
import { measure, median, medianOf, npmScript, seconds, type Measurement } from "./measure";
import { altinnOwners, syntheticOwners, writeFleet, type FleetSpec } from "./fleet";
import { writeResults } from "./results";

interface FleetCase {
  readonly label: string;
  readonly spec: FleetSpec;
}

interface Row {
  readonly label: string;
  readonly owners: number;
  readonly stacks: number;
  readonly grants: number;
  readonly validate: Measurement;
  readonly singleStack: Measurement;
  readonly fleet: Measurement;
}

function benchFleet({ label, spec }: FleetCase, runs: number): Row {
  const root = mkdtempSync(path.join(tmpdir(), "bench-fleet-"));
  try {
    writeFleet(root, spec);
    const firstProd = spec.owners.find((owner) => owner.production) ?? spec.owners[0];
    const stack = `${firstProd?.org}-${firstProd?.production ? "prod" : "tt02"}`;
    const stacks = spec.owners.reduce((total, owner) => total + (owner.production ? 2 : 1), 0);
    process.stderr.write(`${label}: ${spec.owners.length} owners, ${stacks} stacks\n`);
    return {
      label,
      owners: spec.owners.length,
      stacks,
      grants: spec.grantsPerOwner,
      validate: medianOf(runs, () => measure([...npmScript("validate"), "--root", root])),
      // Cold means no plan cache either: the first run would fill it for the others.
      singleStack: medianOf(runs, () =>
        measure([...npmScript("plan"), "--root", root, "--stack", stack, "--format", "json", "--no-cache"]),
      ),
      fleet: medianOf(runs, () => measure([...npmScript("plan"), "--root", root, "--format", "json", "--no-cache"])),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Validation alone, where the cross-owner rules (one UPN per owner) meet the most users: it must stay linear. */
function validateOnly({ label, spec }: FleetCase, runs: number): string {
  const root = mkdtempSync(path.join(tmpdir(), "bench-users-"));
  try {
    writeFleet(root, spec);
    process.stderr.write(`${label}: validate only\n`);
    const measurement = medianOf(runs, () => measure([...npmScript("validate"), "--root", root]));
    return [
      "| fleet (validate only) | owners | validate (s) | peak memory (MiB) |",
      "|---|---|---|---|",
      `| ${label} | ${spec.owners.length} | ${seconds(measurement.wallSeconds)} | ${measurement.peakMiB.toFixed(0)} |`,
    ].join("\n");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A committed copy of a fleet (branch main), for the PR-check rows: the working tree is then changed like a PR. */
function committedFleet(spec: FleetSpec): string {
  const root = mkdtempSync(path.join(tmpdir(), "bench-pr-"));
  writeFleet(root, spec);
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.no", ...args], { cwd: root });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("commit", "-q", "-m", "base");
  return root;
}

/** A role request: one prod owner gains a new user with an Operations grant in prod (which must end). */
function requestRole(root: string, org: string): void {
  const file = path.join(root, "stacks", `${org}.yaml`);
  const owner = parse(readFileSync(file, "utf8")) as { users: unknown[]; access: unknown[] };
  owner.users.push({ upn: `new.person.${org}@ai-dev.no`, name: "New Person" });
  owner.access.push({
    user: `new.person.${org}@ai-dev.no`,
    role: "operations",
    environment: "prod",
    ticket: "ALTINN-1",
    expires: "2027-06-30",
  });
  writeFileSync(file, stringify(owner));
}

/** A layer change that reaches every stack of the fleet: both layers keep logs longer. */
function changeLayers(root: string): void {
  for (const layer of ["Pulumi.tt02.yaml", "Pulumi.prod.yaml"]) {
    const file = path.join(root, layer);
    writeFileSync(file, readFileSync(file, "utf8").replace(/logRetentionDays: \d+/, "logRetentionDays: 120"));
  }
}

interface DiffRow {
  readonly label: string;
  readonly command: string;
  readonly measurement: Measurement;
}

/** The PR-check rows: a one-owner role request, and a layer change across the fleet, without and with the base cached. */
function benchDiffs(spec: FleetSpec, runs: number): DiffRow[] {
  const root = committedFleet(spec);
  const cacheRoot = mkdtempSync(path.join(tmpdir(), "bench-cache-"));
  try {
    const stacks = spec.owners.reduce((total, owner) => total + (owner.production ? 2 : 1), 0);
    const firstProd = spec.owners.find((owner) => owner.production)?.org ?? "";
    const freshCache = (seed?: string) => {
      const directory = mkdtempSync(path.join(cacheRoot, "run-"));
      if (seed && existsSync(seed)) cpSync(seed, directory, { recursive: true });
      return directory;
    };
    requestRole(root, firstProd);
    const roleRequest = medianOf(runs, () =>
      measure([...npmScript("pr-comment"), "--root", root, "--base", "main", "--cache-dir", freshCache()]),
    );
    gitCheckout(root);
    // The base's plans, as a previous run on main leaves them in the cache.
    const warmed = freshCache();
    measure([...npmScript("plan"), "--root", root, "--format", "json", "--cache-dir", warmed]);
    changeLayers(root);
    const diffArgs = [...npmScript("plan"), "--root", root, "--diff", "main", "--format", "json"];
    const layerCold = medianOf(runs, () => measure([...diffArgs, "--cache-dir", freshCache()]));
    const layerWarm = medianOf(runs, () => measure([...diffArgs, "--cache-dir", freshCache(warmed)]));
    const fleet = `${spec.owners.length} owners, ${stacks} stacks`;
    return [
      {
        label: `role request PR check (${fleet}): validate + access diff + diff of the changed stack, cold`,
        command: "npm run pr-comment -- --base main",
        measurement: roleRequest,
      },
      {
        label: `layer change across the fleet (${fleet}, ${stacks} × 2 evaluations), no cache`,
        command: "npm run plan -- --diff main",
        measurement: layerCold,
      },
      {
        label: `layer change across the fleet (${fleet}), base side cached`,
        command: "npm run plan -- --diff main",
        measurement: layerWarm,
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(cacheRoot, { recursive: true, force: true });
  }
}

function gitCheckout(root: string): void {
  execFileSync("git", ["checkout", "-q", "--", "."], { cwd: root });
}

function report(rows: readonly Row[], floor: Measurement, runs: number): string {
  const header = [
    `Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
    `Medians of ${runs} runs, each a cold process running the exact command of \`npm run validate\` / \`npm run plan\` (from package.json: an esbuild compile, then plain Node); peak memory is the largest process (plan workers included).`,
    `Import floor (a process that only imports @pulumi/pulumi, as the CLIs do with its closure serializer deferred, and the provider subpaths the program uses): ${seconds(floor.wallSeconds)} s, ${floor.peakMiB.toFixed(0)} MiB.`,
    "",
    "| fleet | owners | stacks | validate (s) | plan one stack, cold (s) | PR check: validate + one stack (s) | plan whole fleet (s) | per stack (s) | per stack / import floor | peak memory (MiB) |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  const lines = rows.map((row) => {
    const perStack = row.fleet.wallSeconds / row.stacks;
    const peak = Math.max(row.validate.peakMiB, row.singleStack.peakMiB, row.fleet.peakMiB);
    return `| ${row.label} | ${row.owners} | ${row.stacks} | ${seconds(row.validate.wallSeconds)} | ${seconds(row.singleStack.wallSeconds)} | ${seconds(row.validate.wallSeconds + row.singleStack.wallSeconds)} | ${seconds(row.fleet.wallSeconds)} | ${perStack.toFixed(3)} | ${(perStack / floor.wallSeconds).toFixed(2)} | ${peak.toFixed(0)} |`;
  });
  return [...header, ...lines].join("\n");
}

const DIFF_SECTION = "## PR check and plan diff";

function diffReport(rows: readonly DiffRow[], runs: number): string {
  return [
    DIFF_SECTION,
    "",
    `Medians of ${runs} cold runs of the exact npm script (targets: role request ≤ 2.5 s, layer change ≤ 30 s without cache and ≤ 18 s with the base cached). Load average at the start: ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores (the machine is shared).`,
    "",
    "| case | command | seconds | peak memory (MiB) |",
    "|---|---|---|---|",
    ...rows.map(
      (row) =>
        `| ${row.label} | \`${row.command}\` | ${seconds(row.measurement.wallSeconds)} | ${row.measurement.peakMiB.toFixed(0)} |`,
    ),
  ].join("\n");
}

const CONTRACTS_SECTION = "## Contract checks (plan/semantics/contracts)";

/**
 * The whole-fleet plan with the provider contracts checked (this checkout) against the same plan by `baseRef`'s code
 * (before the checks, or their previous version), runs interleaved so that both see the same load on a shared machine.
 * The base's code is a `git archive` of the ref sharing this checkout's node_modules.
 */
function benchContracts(spec: FleetSpec, runs: number, baseRef: string): string {
  const fleetRoot = mkdtempSync(path.join(tmpdir(), "bench-contracts-fleet-"));
  const baseRoot = mkdtempSync(path.join(tmpdir(), "bench-contracts-base-"));
  try {
    writeFleet(fleetRoot, spec);
    const archive = execFileSync("git", ["archive", baseRef], { cwd: REPO_ROOT, maxBuffer: 256 * 1024 * 1024 });
    execFileSync("tar", ["-x", "-C", baseRoot], { input: archive });
    symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(baseRoot, "node_modules"), "dir");
    const baseCommit = execFileSync("git", ["rev-parse", "--short", baseRef], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    }).trim();
    const plan = (codeRoot: string) => [
      path.join(codeRoot, "scripts", "run.mjs"),
      "plan",
      "--root",
      fleetRoot,
      "--format",
      "json",
      "--no-cache",
    ];
    // One warm-up each: the first run of a checkout compiles its dist/.
    measure(plan(baseRoot));
    measure(plan(REPO_ROOT));
    const base: Measurement[] = [];
    const head: Measurement[] = [];
    for (let run = 0; run < runs; run++) {
      base.push(measure(plan(baseRoot)));
      head.push(measure(plan(REPO_ROOT)));
    }
    const medianWall = (measurements: readonly Measurement[]) => median(measurements.map((entry) => entry.wallSeconds));
    const medianCpu = (measurements: readonly Measurement[]) => median(measurements.map((entry) => entry.cpuSeconds));
    const stacks = spec.owners.reduce((total, owner) => total + (owner.production ? 2 : 1), 0);
    // CPU time decides: on a shared machine wall time mostly measures the neighbours.
    const ratio = medianCpu(head) / medianCpu(base);
    const wallRatio = medianWall(head) / medianWall(base);
    return [
      CONTRACTS_SECTION,
      "",
      `Whole-fleet plan (${spec.owners.length} Altinn owners × ${spec.grantsPerOwner} grants, ${stacks} stacks, \`npm run plan -- --no-cache\`), medians of ${runs} cold runs alternating between the two versions of the code. Load average at the end: ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores (the machine is shared: compare the two rows, not the absolute seconds). Target: checks on within 15 % of the plan without them.`,
      "",
      "| code | plan whole fleet, wall (s) | CPU, all processes (s) | peak memory (MiB) |",
      "|---|---|---|---|",
      `| ${baseCommit} (\`${baseRef}\`) | ${seconds(medianWall(base))} | ${seconds(medianCpu(base))} | ${Math.max(...base.map((entry) => entry.peakMiB)).toFixed(0)} |`,
      `| this checkout, contracts checked | ${seconds(medianWall(head))} | ${seconds(medianCpu(head))} | ${Math.max(...head.map((entry) => entry.peakMiB)).toFixed(0)} |`,
      "",
      `CPU ratio: ${ratio.toFixed(3)} (${ratio <= 1.15 ? "within" : "over"} the 15 % target); wall ratio ${wallRatio.toFixed(3)}.`,
    ].join("\n");
  } finally {
    rmSync(fleetRoot, { recursive: true, force: true });
    rmSync(baseRoot, { recursive: true, force: true });
  }
}

function main(argv: readonly string[]): void {
  const options = new Command("bench")
    .description("Time validate and plan at Altinn's real fleet size and beyond; writes bench/RESULTS.md.")
    .option("--runs <count>", "runs per measurement (the median is reported)", (value) => Number.parseInt(value, 10), 3)
    .option("--quick", "only the 10-owner fleet (to check the benchmark itself)", false)
    .option("--only-diff", "only the PR-check rows (role request, layer change diff), at Altinn's 106 owners", false)
    .option(
      "--contracts-against <ref>",
      "only the contract checks' cost: the whole-fleet plan of this checkout against the same plan by <ref>'s code",
    )
    .option("--only-engine", "only `pulumi preview` of one stack beside its offline plan (builds the CLI)", false)
    .parse([...argv], { from: "user" })
    .opts<{ runs: number; quick: boolean; onlyDiff: boolean; onlyEngine: boolean; contractsAgainst?: string }>();
  if (options.onlyEngine) {
    const section = engineReport(options.runs);
    process.stdout.write(`${section}\n`);
    if (!options.quick) writeResults(section);
    return;
  }
  const altinn = altinnOwners();
  if (options.contractsAgainst) {
    const section = benchContracts({ owners: altinn, grantsPerOwner: 20 }, options.runs, options.contractsAgainst);
    process.stdout.write(`${section}\n`);
    writeResults(section);
    return;
  }
  const diffSpec = { owners: options.quick ? altinn.slice(0, 10) : altinn, grantsPerOwner: 20 };
  if (options.onlyDiff) {
    const section = diffReport(benchDiffs(diffSpec, options.runs), options.runs);
    process.stdout.write(`${section}\n`);
    if (!options.quick) writeResults(section);
    return;
  }
  const cases: FleetCase[] = [
    { label: "10 Altinn owners × 20 grants", spec: { owners: altinn.slice(0, 10), grantsPerOwner: 20 } },
    ...(options.quick
      ? []
      : [
          { label: `all ${altinn.length} Altinn owners × 20 grants`, spec: { owners: altinn, grantsPerOwner: 20 } },
          { label: "300 owners × 30 grants", spec: { owners: syntheticOwners(300), grantsPerOwner: 30 } },
        ]),
  ];
  const rows = cases.map((fleetCase) => benchFleet(fleetCase, options.runs));
  // After the rows: their first `npm run` compiled the dist/ the floor loads.
  const floor = medianOf(options.runs, () => measure([path.join(__dirname, "importFloor.cjs")]));
  const usersCase: FleetCase = {
    label: "200 owners × 100 users (20,000 users)",
    spec: { owners: syntheticOwners(200), grantsPerOwner: 20, usersPerOwner: 100 },
  };
  const usersRow = options.quick ? "" : `\n\n${validateOnly(usersCase, options.runs)}`;
  const table = `${report(rows, floor, options.runs)}${usersRow}`;
  const section = diffReport(benchDiffs(diffSpec, options.runs), options.runs);
  const engine = engineReport(options.runs);
  process.stdout.write(`${table}\n\n${section}\n\n${engine}\n`);
  if (!options.quick) {
    writeResults(`# Benchmark results\n\n${table}\n`);
    writeResults(section);
    writeResults(engine);
  }
}

if (require.main === module) main(process.argv.slice(2));
