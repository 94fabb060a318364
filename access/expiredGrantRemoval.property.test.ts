import { readFileSync } from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadFleet } from "../files/fleetReader";
import { ownerDocument, ownerSource, TODAY } from "../test/support/fleet";
import { writeRepository } from "../test/support/repository";
import { removeExpiredGrants } from "./expiredGrantRemoval";

/**
 * Owner files written the ways people write them: block or flow lists, aligned values, flow mappings as list items,
 * long reasons wrapped over lines, comments above, inside and after grants, blank lines and section comments between
 * them, LF or CRLF. Each file is assembled from pieces, so what the sweep must leave is known exactly: the same pieces
 * without the expired grants (and the comments attached to them).
 */
const USERS = ["dev.abc@ai-dev.no", "ops.abc@ai-dev.brreg.no"] as const;
const SLOTS = USERS.flatMap((user) =>
  (["developer", "operations"] as const).flatMap((role) =>
    (["tt02", "prod"] as const).map((environment) => ({ user, role, environment })),
  ),
);

interface Grant {
  readonly fields: [string, string][];
  readonly expired: boolean;
  readonly alignTo: number;
  readonly trailingComment: string | undefined;
  readonly comments: readonly string[];
  readonly wrapReason: boolean;
}

const words = fc
  .array(fc.constantFrom("access", "for", "the", "migration", "incident", "review", "of", "old", "forms"), {
    minLength: 12,
    maxLength: 24,
  })
  .map((list) => list.join(" "));

const grantArbitrary = (slot: (typeof SLOTS)[number]) =>
  fc
    .record({
      expired: fc.boolean(),
      alignTo: fc.constantFrom(0, 12, 14),
      trailingComment: fc.option(fc.constantFrom("# approved", "# see ticket"), { nil: undefined }),
      comments: fc.array(fc.constantFrom("# granted for a project", "# renewed once"), { maxLength: 2 }),
      reason: fc.option(words, { nil: undefined }),
      wrapReason: fc.boolean(),
    })
    .map(({ expired, reason, ...style }): Grant => {
      const fields: [string, string][] = [
        ["user", slot.user],
        ["role", slot.role],
        ["environment", slot.environment],
      ];
      if (slot.role === "operations") fields.push(["ticket", "ALTINN-1"]);
      if (expired || slot.environment === "prod") fields.push(["expires", expired ? "2026-11-01" : "2027-01-31"]);
      if (reason) fields.push(["reason", reason]);
      return { fields, expired, ...style };
    });

const fileArbitrary = fc.record({
  grants: fc.subarray(SLOTS, { minLength: 1 }).chain((slots) => fc.tuple(...slots.map(grantArbitrary))),
  layout: fc.constantFrom("block", "block-flow-items", "flow-one-line", "flow-lines"),
  indent: fc.constantFrom("", "  "),
  separators: fc.array(fc.constantFrom("", "\n", "\n# section\n\n"), { minLength: 8, maxLength: 8 }),
  crlf: fc.boolean(),
  after: fc.constantFrom("", "\n# end of the access list\n"),
});

type OwnerFileStyle = typeof fileArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** One grant as block list item lines (dash at `indent`), with its attached comments. */
function blockItem(grant: Grant, indent: string): string {
  const inner = `${indent}  `;
  const lines = grant.fields.map(([key, value], index) => {
    const label = `${key}:`.padEnd(grant.alignTo || key.length + 1);
    const wrapped =
      key === "reason" && grant.wrapReason ? value.replace(/^((?:\S+ ){5}\S+) /, `$1\n${inner}  `) : value;
    return `${index === 0 ? `${indent}- ` : inner}${label} ${wrapped}`;
  });
  if (grant.trailingComment) lines[1] += ` ${grant.trailingComment}`;
  return [...grant.comments.map((comment) => `${indent}${comment}`), ...lines].map((line) => `${line}\n`).join("");
}

const flowMap = (grant: Grant) =>
  `{ ${grant.fields.map(([key, value]) => `${key}: ${key === "reason" ? JSON.stringify(value) : value}`).join(", ")} }`;

/** The access section: with every grant, and with only the kept ones, assembled from the same pieces. */
function accessSection(file: OwnerFileStyle, keep: (grant: Grant) => boolean): string {
  const { grants, layout, indent, separators } = file;
  const kept = grants.filter(keep);
  if (layout === "flow-one-line") return `access: [${kept.map(flowMap).join(", ")}]\n`;
  if (layout === "flow-lines") {
    const items = grants.map((grant, index) => {
      const comma = index < grants.length - 1 || grant.trailingComment ? "," : "";
      const comment = grant.trailingComment ? ` ${grant.trailingComment}` : "";
      const attached = grant.comments.map((line) => `${indent}  ${line}\n`).join("");
      return keep(grant) ? `${attached}${indent}  ${flowMap(grant)}${comma}${comment}\n` : "";
    });
    return `access: [\n${items.join("")}${indent}]\n`;
  }
  const items = grants.map((grant, index) => {
    const separator = index > 0 ? (separators[index] ?? "") : "";
    if (!keep(grant)) return separator;
    if (layout === "block") return separator + blockItem(grant, indent);
    const attached = grant.comments.map((comment) => `${indent}${comment}\n`).join("");
    return `${separator}${attached}${indent}- ${flowMap(grant)}${grant.trailingComment ? ` ${grant.trailingComment}` : ""}\n`;
  });
  return `access:${kept.length === 0 ? " []" : ""}\n${items.join("")}`;
}

describe("the expiry sweep, over owner files in many styles", () => {
  it("removes exactly the expired grants' lines and keeps every other byte", () => {
    const header = stringify(ownerDocument("abc", { access: undefined }));
    fc.assert(
      fc.property(fileArbitrary, (file) => {
        const withEnding = (text: string) => (file.crlf ? text.replace(/\n/g, "\r\n") : text);
        const before = withEnding(`${header}${accessSection(file, () => true)}${file.after}`);
        const expected = withEnding(`${header}${accessSection(file, (grant) => !grant.expired)}${file.after}`);
        const root = writeRepository([ownerSource("abc", before)]);
        const expired = file.grants.filter((grant) => grant.expired).length;
        expect(loadFleet(root, TODAY).problems).toHaveLength(expired);

        const sweep = removeExpiredGrants(root, TODAY);
        expect(sweep.refused).toEqual([]);
        expect(sweep.removed).toHaveLength(expired);
        expect(readFileSync(path.join(root, "stacks/abc.yaml"), "utf8")).toBe(expected);
        expect(loadFleet(root, TODAY).problems).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
