import { lstatSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import * as path from "node:path";
import type { IsoDate } from "../infra/model/dates";
import { validateFleet } from "../infra/model/fleet";
import type { FleetSources } from "../infra/model/fleetShape";
import type { Problem } from "../infra/model/problem";
import { writeFileAtomic } from "../files/atomicWrite";
import { claimOutputDirectory, OutputDirectoryError } from "../files/outputDirectory";
import { readGrantHistory } from "./history";
import { buildAccessReport, type AccessReport } from "./model";
import { fleetPage, ownerPage, ownerPagePath, type PageContext } from "./pages";

/** Marks a folder as the report's own: only a new, empty or marked folder is written into. */
export const SITE_MARKER = ".altinn-apps-report";

export type ReportResult =
  | { readonly ok: false; readonly problems: readonly Problem[] }
  | { readonly ok: true; readonly report: AccessReport; readonly pages: readonly string[] };

/**
 * Build the access report from the owner files, the layers and the git history of `root`, and write the site under
 * `outDir`: index.html (the fleet) and owners/<org>.html. Invalid files stop it (the report would mislead); grants
 * that have expired do not, because the page is where they are shown as still to be removed. The folder must be the
 * report's own (see claimOutputDirectory): an OutputDirectoryError says why it is not, before anything is written.
 */
export function writeAccessReport(options: {
  readonly root: string;
  readonly sources: FleetSources;
  readonly outDir: string;
  readonly today: IsoDate;
  readonly generatedAt: Date;
  readonly commitUrl?: string;
}): ReportResult {
  const { fleet, problems, expiredGrants } = validateFleet(options.sources, options.today);
  const blocking = problems.filter((problem) => !expiredGrants.includes(problem));
  if (blocking.length > 0) return { ok: false, problems: blocking };

  const report = buildAccessReport(fleet, readGrantHistory(options.root), options.today);
  const context: PageContext = { report, generatedAt: options.generatedAt, commitUrl: options.commitUrl };
  const pages = new Map<string, string>([["index.html", fleetPage(context)]]);
  for (const owner of report.owners) pages.set(ownerPagePath(owner.org), ownerPage(owner, context));

  claimOutputDirectory(options.outDir, SITE_MARKER);
  const ownersDir = path.join(options.outDir, path.dirname(ownerPagePath("x")));
  mkdirSync(ownersDir, { recursive: true });
  if (!lstatSync(ownersDir).isDirectory())
    throw new OutputDirectoryError(`holds ${path.basename(ownersDir)}, which is not a directory`);
  // A removed owner's page must not linger in the report's folder; nothing else there is touched.
  for (const stale of readdirSync(ownersDir).filter((name) => name.endsWith(".html"))) {
    if (!pages.has(ownerPagePath(path.basename(stale, ".html")))) rmSync(path.join(ownersDir, stale));
  }
  for (const [file, content] of pages) writeFileAtomic(path.join(options.outDir, file), content);
  return { ok: true, report, pages: [...pages.keys()] };
}
