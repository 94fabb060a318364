import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { SCHEDULE_TYPES } from "../infra/components/privilegedAccess";
import { scheduleIsLive } from "../infra/model/access";
import { EXIT, parseCommandLine, withExitCodes } from "../cli/cli";

interface StateResource {
  readonly urn?: unknown;
  readonly type?: unknown;
  readonly inputs?: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
}

/**
 * The PIM schedules in a stack's state (`pulumi stack export`) that Entra ID has ended, or ends within the margin,
 * at `now`: what a deploy removes from the state before `pulumi up`. The program no longer registers them (it uses
 * the same rule, scheduleIsLive), and Pulumi must not delete them: azuread's delete sends `adminRemove`, which Graph
 * refuses for an ended schedule, and tolerates only a 404 (v3.8.0 privileged_access_group_assignment_schedule_resource.go
 * lines 329-345, azuread #1445). Forgetting is safe: the schedule has ended in Entra ID, and nothing depends on it.
 */
export function endedSchedules(checkpoint: unknown, now: number): string[] {
  const deployment = (checkpoint as { deployment?: { resources?: unknown } } | null)?.deployment;
  const resources = deployment?.resources;
  if (!Array.isArray(resources)) throw new Error("not a Pulumi stack export: no deployment.resources");
  return (resources as StateResource[]).flatMap((resource) => {
    if (typeof resource.urn !== "string" || typeof resource.type !== "string" || !SCHEDULE_TYPES.has(resource.type))
      return [];
    const endsAt = resource.outputs?.["expirationDate"] ?? resource.inputs?.["expirationDate"];
    if (typeof endsAt !== "string" || endsAt === "" || Number.isNaN(Date.parse(endsAt))) return [];
    return scheduleIsLive(endsAt, now) ? [] : [resource.urn];
  });
}

interface Options {
  state: string;
  now: number;
}

function parseInstant(value: string): number {
  const instant = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(instant)) throw new InvalidArgumentError("expected an RFC 3339 instant, e.g. 2027-02-01T00:10:00Z");
  return instant;
}

/** `endedSchedules`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("endedSchedules")
      .description(
        "Print the URNs of the PIM schedules in a stack export that Entra ID has ended (or ends within the hour), one a line: the deploy removes them from the state with `pulumi state delete` before `pulumi up`.",
      )
      .requiredOption("--state <file>", "the stack's state, as written by `pulumi stack export --file`")
      .addOption(
        new Option("--now <instant>", "as of this instant (RFC 3339)")
          .argParser(parseInstant)
          .default(Date.now(), "now"),
      ),
    {
      ok: "the URNs of the ended schedules (or none)",
      invalid: "the state file cannot be read",
      usage: "missing `--state`, bad `--now`",
    },
  );
}

export function main(argv: readonly string[]): number {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { state, now } = parsed.options;
  const urns = endedSchedules(JSON.parse(readFileSync(state, "utf8")) as unknown, now);
  process.stdout.write(urns.map((urn) => `${urn}\n`).join(""));
  return EXIT.ok;
}
