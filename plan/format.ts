import type { PolicyViolation } from "../policies/runner/runner";
import { code, raw, table, text, textLines, type Cell } from "../cli/markdown";
import type { EndedSchedule, PlannedMember, PlannedResource, StackPlan } from "./semantics/stackPlan";

export interface PlanSummary {
  readonly stacks: number;
  readonly resources: number;
  readonly members: number;
  readonly errors: number;
  readonly mandatoryViolations: number;
  readonly advisoryViolations: number;
  readonly passed: boolean;
}

export interface PlanReport {
  readonly stacks: readonly StackPlan[];
  readonly summary: PlanSummary;
  readonly selection: string;
}

export function summarize(stacks: readonly StackPlan[]): PlanSummary {
  const count = (level: string) =>
    stacks.reduce((total, plan) => total + plan.violations.filter((violation) => violation.level === level).length, 0);
  const errors = stacks.filter((plan) => plan.error !== undefined).length;
  const mandatoryViolations = count("mandatory");
  return {
    stacks: stacks.length,
    resources: stacks.reduce((total, plan) => total + provisioned(plan).length, 0),
    members: stacks.reduce((total, plan) => total + plan.members.length, 0),
    errors,
    mandatoryViolations,
    advisoryViolations: count("advisory"),
    passed: errors === 0 && mandatoryViolations === 0,
  };
}

/** What lands in Azure and Entra ID: providers and components are how the program is built, not what it builds. */
function provisioned(plan: StackPlan): PlannedResource[] {
  return plan.resources.filter(
    (resource) => !resource.type.startsWith("pulumi:providers:") && !resource.type.startsWith("altinn:apps:"),
  );
}

export function shortType(type: string): string {
  return type.split(":").at(-1)?.split("/").at(-1) ?? type;
}

function resourceCounts(plan: StackPlan): [string, number][] {
  const counts = new Map<string, number>();
  for (const resource of provisioned(plan)) {
    counts.set(shortType(resource.type), (counts.get(shortType(resource.type)) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** One line per policy and message, with how many resources it hit: a missing terms record is one finding, not 13. */
interface ViolationGroup {
  readonly level: string;
  readonly policy: string;
  readonly message: string;
  readonly resources: string[];
}

export function groupedViolations(violations: readonly PolicyViolation[]): ViolationGroup[] {
  const groups = new Map<string, ViolationGroup>();
  for (const violation of violations) {
    const key = `${violation.level}|${violation.policy}|${violation.message}`;
    const group = groups.get(key) ?? {
      level: violation.level,
      policy: violation.policy,
      message: violation.message,
      resources: [],
    };
    group.resources.push(violation.urn.split("::").at(-1) ?? violation.urn);
    groups.set(key, group);
  }
  return [...groups.values()];
}

const ACCESS_TITLES: Record<PlannedMember["access"], string> = {
  member: "member",
  assignment: "PIM assignment",
  eligibility: "PIM eligible (activate just-in-time)",
};

/** How and until when one person has the role: `PIM eligible (activate just-in-time), until 2027-10-31 (ends 2027-10-31T23:00:00Z)`. */
function accessSummary(member: PlannedMember): string {
  const until = member.expires ? `until ${member.expires}` : "no end date";
  return `${ACCESS_TITLES[member.access]}, ${until}${member.endsAt ? ` (ends ${member.endsAt})` : ""}`;
}

function verdict(plan: StackPlan): string {
  if (plan.error !== undefined) return "ERROR";
  const mandatory = plan.violations.filter((violation) => violation.level === "mandatory").length;
  const advisory = plan.violations.length - mandatory;
  if (mandatory > 0) return `FAIL (${mandatory} mandatory, ${advisory} advisory)`;
  return advisory > 0 ? `pass (${advisory} advisory)` : "pass";
}

function summaryLine(summary: PlanSummary): string {
  return (
    `${summary.stacks} stack(s), ${summary.resources} Azure/Entra resources, ${summary.members} group memberships, ` +
    `${summary.errors} error(s), ${summary.mandatoryViolations} mandatory and ${summary.advisoryViolations} advisory violation(s): ` +
    (summary.passed ? "PASS" : "FAIL")
  );
}

/** What happens to a PIM schedule Entra ID has ended: the deploy forgets it, and never asks Graph to delete it. */
export function endedLine({ name, endedAt }: EndedSchedule): string {
  return (
    `= ${name}: ended in Entra ID at ${endedAt}; a deploy forgets it from the state and never deletes it ` +
    "(Graph refuses to remove an ended schedule, azuread #1445)"
  );
}

export function formatText({ stacks, summary, selection }: PlanReport): string {
  const lines = [`Plan (${selection})`, ""];
  for (const plan of stacks) {
    lines.push(`${plan.stack}: ${verdict(plan)}`);
    if (plan.error !== undefined) {
      lines.push(...plan.error.split("\n").map((line) => `  ${line}`), "");
      continue;
    }
    lines.push(
      `  resources: ${resourceCounts(plan)
        .map(([type, count]) => `${type} ${count}`)
        .join(", ")}`,
    );
    lines.push(`  members:${plan.members.length === 0 ? " none" : ""}`);
    for (const member of plan.members) {
      lines.push(`    ${member.group}: ${member.upn} (${member.name}), ${accessSummary(member)}`);
    }
    for (const ended of plan.ended ?? []) lines.push(`  ${endedLine(ended)}`);
    for (const group of groupedViolations(plan.violations)) {
      lines.push(`  [${group.level}] ${group.policy} (${group.resources.length} resource(s)): ${group.message}`);
    }
    lines.push("");
  }
  lines.push(summaryLine(summary));
  return `${lines.join("\n")}\n`;
}

/** Program errors and policy violations per stack, as a markdown table (no lines when there are none). */
export function findingsTable(
  stacks: readonly {
    readonly stack: string;
    readonly error?: string;
    readonly violations: readonly PolicyViolation[];
  }[],
): string[] {
  const rows = stacks.flatMap((plan): Cell[][] => [
    ...(plan.error !== undefined ? [[raw(code(plan.stack)), "error", "program", "", textLines(plan.error)]] : []),
    ...groupedViolations(plan.violations).map((group) => [
      raw(code(plan.stack)),
      group.level,
      group.policy,
      String(group.resources.length),
      group.message,
    ]),
  ]);
  return rows.length > 0 ? table(["stack", "level", "policy", "resources", "message"], rows) : [];
}

export function formatMarkdown({ stacks, summary, selection }: PlanReport): string {
  const lines = [
    `## Plan: ${summary.passed ? "✅ pass" : "❌ fail"}`,
    "",
    `_${text(selection)}_. ${summaryLine(summary)}`,
    "",
    ...table(
      ["stack", "verdict", "resources", "members"],
      stacks.map((plan) => [
        raw(code(plan.stack)),
        verdict(plan),
        String(provisioned(plan).length),
        String(plan.members.length),
      ]),
    ),
  ];
  const access = stacks.flatMap((plan) =>
    plan.members.map((member): Cell[] => [
      raw(code(plan.stack)),
      member.group,
      raw(code(member.upn)),
      member.name,
      // Dates and this module's own words: nothing from a file that could act as markdown.
      raw(accessSummary(member)),
    ]),
  );
  if (access.length > 0)
    lines.push("", "### Access", "", ...table(["stack", "group", "user", "name", "access"], access));
  const findings = findingsTable(stacks);
  if (findings.length > 0) lines.push("", "### Findings", "", ...findings);
  return `${lines.join("\n")}\n`;
}

export function formatJson({ stacks, summary }: PlanReport): string {
  return `${JSON.stringify({ stacks, summary }, null, 2)}\n`;
}
