import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../files/atomicWrite";

const RESULTS = path.join(__dirname, "RESULTS.md");

/**
 * bench/RESULTS.md is written in parts by separate benchmarks (bench/run.ts, bench/report.ts): each part starts with
 * its own heading and replaces only the part with that heading, keeping the others.
 */
export function writeResults(part: string): void {
  const heading = part.slice(0, part.indexOf("\n"));
  const sections = (existsSync(RESULTS) ? readFileSync(RESULTS, "utf8") : "")
    .split(/\n(?=#{1,2} )/)
    .map((section) => section.trim())
    .filter(Boolean);
  const index = sections.findIndex((section) => section.startsWith(`${heading}\n`));
  if (index === -1) sections.push(part.trim());
  else sections[index] = part.trim();
  writeFileAtomic(RESULTS, `${sections.join("\n\n")}\n`);
}
