import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { stringify } from "yaml";
import { environmentLayerFileName } from "../infra/model/environment";
import { ownerFilePath } from "../infra/model/fleet";
import { ENVIRONMENTS } from "../infra/model/schema";
import { REPO_ROOT } from "../repository/root";
import { chromiumExecutable } from "../test/support/chromium";
import { altinnOwners, generateOwner, syntheticOwners, type FleetSpec } from "./fleet";
import { writeResults } from "./results";
import { measure, median, medianOf, npmScript, seconds, type Measurement } from "./measure";

const SECTION = "## Access report (`npm run report`)";
const TODAY = "2026-11-23";

function git(root: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=Bench", "-c", "user.email=bench@example.no", ...args], { cwd: root });
}

/**
 * A repository with a history shaped like the real one: one commit adds every owner with half its grants, then one
 * pull request per owner (a merge, so the first-parent walk sees merges) adds the rest.
 */
export function writeFleetWithHistory(root: string, spec: FleetSpec): number {
  mkdirSync(path.join(root, "stacks"), { recursive: true });
  for (const environment of ENVIRONMENTS) {
    const layer = environmentLayerFileName(environment);
    writeFileSync(path.join(root, layer), readFileSync(path.join(REPO_ROOT, layer)));
  }
  const owners = spec.owners.map(({ org, production }, index) =>
    generateOwner(org, production, spec.grantsPerOwner, index),
  );
  const write = (owner: (typeof owners)[number], grants: number) =>
    writeFileSync(
      path.join(root, ownerFilePath(owner.org)),
      stringify({ ...owner, access: owner.access.slice(0, grants) }),
    );
  git(root, "init", "-q", "-b", "main");
  for (const owner of owners) write(owner, Math.floor(owner.access.length / 2));
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "Add the fleet");
  for (const owner of owners) {
    git(root, "checkout", "-q", "-b", `grants-${owner.org}`);
    write(owner, owner.access.length);
    git(root, "commit", "-q", "-am", `Grants for ${owner.org}`);
    git(root, "checkout", "-q", "main");
    git(root, "merge", "-q", "--no-ff", "-m", `Merge pull request: grants for ${owner.org}`, `grants-${owner.org}`);
  }
  return 1 + 2 * owners.length;
}

/** CPU seconds (user + system) of the `node <args>` process itself; its git child processes are not included. */
function cpuSeconds(args: readonly string[]): number {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "bench-cpu-")), "cpu");
  writeFileSync(file, "");
  const result = spawnSync(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_OPTIONS: `--require ${path.join(__dirname, "cpu.cjs")}`, BENCH_CPU_FILE: file },
  });
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  const micros = readFileSync(file, "utf8").split("\n").filter(Boolean).map(Number);
  rmSync(path.dirname(file), { recursive: true });
  return micros.reduce((total, value) => total + value, 0) / 1e6;
}

interface SearchTiming {
  readonly query: string;
  readonly shown: number;
  /** The input handler and the layout it causes, forced synchronously. */
  readonly layoutMilliseconds: number;
  /** Until the frame after the input has been drawn (includes waiting for the frame). */
  readonly milliseconds: number;
}

/** Type into the fleet page's search in Chromium: the time from the input event until the next frame is rendered. */
export async function searchTimings(site: string, queries: readonly string[], runs: number) {
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const loadStarted = performance.now();
    await page.goto(pathToFileURL(path.join(site, "index.html")).href);
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const timings: SearchTiming[] = [];
    for (const query of [...queries, ""]) {
      const samples: number[] = [];
      const layoutSamples: number[] = [];
      let shown = 0;
      for (let run = 0; run < runs; run++) {
        // Runs in the page: set the query, fire the input event, and wait until the frame after it has been drawn.
        const result = await page.evaluate(`(async () => {
          const input = document.getElementById("grant-search");
          input.value = "";
          input.dispatchEvent(new Event("input"));
          await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
          const started = performance.now();
          input.value = ${JSON.stringify(query)};
          input.dispatchEvent(new Event("input"));
          document.body.offsetHeight;
          const laidOut = performance.now();
          await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
          return { layoutMilliseconds: laidOut - started, milliseconds: performance.now() - started, shown: document.querySelectorAll("#grants tbody tr:not([hidden])").length };
        })()`);
        const { milliseconds, layoutMilliseconds, shown: count } = result as Omit<SearchTiming, "query">;
        samples.push(milliseconds);
        layoutSamples.push(layoutMilliseconds);
        shown = count;
      }
      timings.push({ query, shown, milliseconds: median(samples), layoutMilliseconds: median(layoutSamples) });
    }
    return { loadSeconds, timings };
  } finally {
    await browser.close();
  }
}

interface ReportRow {
  readonly label: string;
  readonly owners: number;
  readonly grants: number;
  readonly commits: number;
  readonly generate: Measurement;
  readonly generateCpuSeconds: number;
  readonly siteMiB: number;
  readonly fleetPageMiB: number;
}

function benchGeneration(label: string, spec: FleetSpec, runs: number): { row: ReportRow; root: string; site: string } {
  const root = mkdtempSync(path.join(tmpdir(), "bench-report-"));
  process.stderr.write(`${label}: writing the fleet and its git history\n`);
  const commits = writeFleetWithHistory(root, spec);
  const site = path.join(root, "site");
  const command = [...npmScript("report"), "--root", root, "--out", site, "--today", TODAY];
  const generate = medianOf(runs, () => measure(command));
  const generateCpuSeconds = median(Array.from({ length: runs }, () => cpuSeconds(command)));
  const size = (file: string) => statSync(file).size / 1024 / 1024;
  const pages = spec.owners.map(({ org }) => path.join(site, "owners", `${org}.html`));
  return {
    root,
    site,
    row: {
      label,
      owners: spec.owners.length,
      grants: spec.owners.length * spec.grantsPerOwner,
      commits,
      generate,
      generateCpuSeconds,
      siteMiB: size(path.join(site, "index.html")) + pages.reduce((total, page) => total + size(page), 0),
      fleetPageMiB: size(path.join(site, "index.html")),
    },
  };
}

export async function benchReport(runs: number): Promise<string> {
  const altinn = altinnOwners();
  const cases = [
    { label: `all ${altinn.length} Altinn owners × 20 grants`, spec: { owners: altinn, grantsPerOwner: 20 } },
    { label: "300 owners × 30 grants", spec: { owners: syntheticOwners(300), grantsPerOwner: 30 } },
  ];
  const rows: ReportRow[] = [];
  let search: Awaited<ReturnType<typeof searchTimings>> | undefined;
  for (const { label, spec } of cases) {
    const { row, root, site } = benchGeneration(label, spec, runs);
    rows.push(row);
    if (spec.owners.length === 300) {
      const person = `user3.${spec.owners[42]?.org}`;
      search = await searchTimings(site, [person, spec.owners[42]?.org ?? "", "prod operations", "nobody-matches"], 5);
    }
    rmSync(root, { recursive: true, force: true });
  }
  const lines = [
    SECTION,
    "",
    `Machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; load average ${loadavg()[0]?.toFixed(1)} at the end (wall times grow with it, CPU times do not).`,
    `Cold processes running the exact command of \`npm run report\` (median of ${runs}) over a generated repository whose history has one commit adding every owner with half its grants and one merged pull request per owner adding the rest; the history is read with one \`git log\` and one \`git cat-file --batch\`. Target: ≤ 3 s for the 106-owner fleet, git history included.`,
    "",
    "| fleet | owners | grants | commits | generate the site, wall (s) | CPU (s) | peak memory (MiB) | fleet page (MiB) | whole site (MiB) |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (row) =>
        `| ${row.label} | ${row.owners} | ${row.grants} | ${row.commits} | ${seconds(row.generate.wallSeconds)} | ${seconds(row.generateCpuSeconds)} | ${row.generate.peakMiB.toFixed(0)} | ${row.fleetPageMiB.toFixed(1)} | ${row.siteMiB.toFixed(1)} |`,
    ),
  ];
  if (search) {
    lines.push(
      "",
      `Search on the 300 × 30 fleet page (9000 rows) in headless Chromium, opened from the file system (load ${seconds(search.loadSeconds)} s): the time from the input event until its layout is done, and until the next frame has been drawn; medians of 5. Target: < 100 ms.`,
      "",
      "| query | rows shown | handler + layout (ms) | until the next frame is drawn (ms) |",
      "|---|---|---|---|",
      ...search.timings.map(
        (timing) =>
          `| ${timing.query ? `\`${timing.query}\`` : "(cleared)"} | ${timing.shown} | ${timing.layoutMilliseconds.toFixed(0)} | ${timing.milliseconds.toFixed(0)} |`,
      ),
    );
  }
  return lines.join("\n");
}

if (require.main === module) {
  const runs = Number.parseInt(process.argv[2] ?? "3", 10);
  void benchReport(runs).then((section) => {
    process.stdout.write(`${section}\n`);
    writeResults(section);
  });
}
