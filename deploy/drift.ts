import { z } from "zod";
import { code, raw, table as markdownTable, text } from "../cli/markdown";

/**
 * The drift check's findings, from `pulumi preview --refresh --json` of each stack (Pulumi's PreviewDigest:
 * pkg/display/json.go at v3.248.0, `steps[]` with `op`, `urn`, `diffReasons`, `detailedDiff`).
 */
const previewSchema = z.object({
  steps: z
    .array(
      z.object({
        op: z.string(),
        urn: z.string(),
        diffReasons: z.array(z.string()).nullish(),
        replaceReasons: z.array(z.string()).nullish(),
        detailedDiff: z.record(z.string(), z.object({ kind: z.string() })).nullish(),
      }),
    )
    .nullish(),
});

/** Operations that are no difference: the resource matches, or is only read. */
const NO_CHANGE = new Set(["same", "read", "refresh"]);

export interface ResourceDifference {
  /** The resource's type token and name, from its URN. */
  readonly type: string;
  readonly name: string;
  readonly op: string;
  /** The properties that differ (top-level paths of the detailed diff, else the diff reasons). */
  readonly properties: readonly string[];
}

/** `urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>` → type and name. */
function resourceOf(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const name = parts.at(-1) ?? urn;
  const type = (parts.at(-2) ?? "").split("$").at(-1) ?? "";
  return { type, name };
}

/** The resources a preview would change, and which of their properties. Throws on output that is not a preview. */
export function differencesOf(previewJson: string): ResourceDifference[] {
  const preview = previewSchema.parse(JSON.parse(previewJson));
  return (preview.steps ?? [])
    .filter((step) => !NO_CHANGE.has(step.op))
    .map((step) => {
      const detailed = Object.keys(step.detailedDiff ?? {});
      const properties = detailed.length > 0 ? detailed : [...(step.replaceReasons ?? []), ...(step.diffReasons ?? [])];
      return { ...resourceOf(step.urn), op: step.op, properties: [...new Set(properties)].sort() };
    });
}

/**
 * One stack's drift result:
 * - clean: Azure matches main's program.
 * - drift: deployed at main, and Azure differs: someone changed Azure outside the repository.
 * - behind: not deployed at main yet; its differences may be main's undeployed change, not drift (the catch-up
 *   deploy converges it first).
 * - busy: a deploy holds the stack now; checked next time.
 * - error: the check itself failed.
 */
export type DriftStatus = "clean" | "drift" | "behind" | "busy" | "error";

export interface StackDrift {
  readonly stack: string;
  readonly status: DriftStatus;
  readonly deployedCommit?: string;
  readonly differences?: readonly ResourceDifference[];
  readonly message?: string;
}

/** A stack's status from its preview and deployed commit. */
export function classify(
  stack: string,
  main: string,
  deployedCommit: string | undefined,
  previewJson: string,
): StackDrift {
  const differences = differencesOf(previewJson);
  if (differences.length === 0) return { stack, status: "clean", deployedCommit };
  return { stack, status: deployedCommit === main ? "drift" : "behind", deployedCommit, differences };
}

export interface DriftReport {
  readonly drifted: readonly string[];
  readonly behind: readonly string[];
  readonly failed: readonly string[];
  /** The issue body: drift by stack, resource and property; undeployed changes apart. */
  readonly markdown: string;
}

function table(results: readonly StackDrift[]): string[] {
  return markdownTable(
    ["stack", "type", "resource", "operation", "properties"],
    results.flatMap((result) =>
      (result.differences ?? []).map((difference) => [
        raw(code(result.stack)),
        raw(code(difference.type)),
        raw(code(difference.name)),
        difference.op,
        raw(difference.properties.map(code).join(", ") || "—"),
      ]),
    ),
  );
}

export function driftReport(
  results: readonly StackDrift[],
  context: { main: string; runUrl: string; date: string },
): DriftReport {
  const of = (status: DriftStatus) => results.filter((result) => result.status === status);
  const drifted = of("drift");
  const behind = of("behind");
  const failed = [...of("error"), ...of("busy")];
  const lines = [
    `Drift check of ${context.date} at main ${code(context.main.slice(0, 7))}: ${results.length} stack(s), ${drifted.length} drifted, ${behind.length} behind main, ${failed.length} not checked. The run: ${context.runUrl}`,
    "",
    "## Drift (deployed at main, Azure differs)",
    "",
    ...(drifted.length > 0 ? table(drifted) : ["None."]),
    "",
    "## Undeployed changes (not deployed at main yet: the catch-up deploy converges them; not drift)",
    "",
    ...(behind.length > 0
      ? [
          ...behind.map(
            (result) =>
              `- ${code(result.stack)}: deployed at ${result.deployedCommit ? code(result.deployedCommit.slice(0, 7)) : "no recorded commit"}, ${result.differences?.length ?? 0} resource(s) differ`,
          ),
        ]
      : ["None."]),
    "",
    "## Not checked",
    "",
    ...(failed.length > 0
      ? failed.map(
          (result) => `- ${code(result.stack)}: ${result.status}${result.message ? `: ${text(result.message)}` : ""}`,
        )
      : ["None."]),
    "",
  ];
  return {
    drifted: drifted.map((result) => result.stack),
    behind: behind.map((result) => result.stack),
    failed: failed.map((result) => result.stack),
    markdown: lines.join("\n"),
  };
}
