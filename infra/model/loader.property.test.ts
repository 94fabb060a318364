import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { fleetOf, ownerDocument, ownerSource, TODAY } from "../../test/support/fleet";
import { validateFleet } from "./fleet";
import type { Problem } from "./problem";

function expectStructured(problems: Problem[], file: string): void {
  for (const problem of problems) {
    expect(problem.file).toBe(file);
    expect(problem.line).toBeGreaterThanOrEqual(1);
    expect(problem.column).toBeGreaterThanOrEqual(1);
    expect(typeof problem.path).toBe("string");
    expect(problem.message.length).toBeGreaterThan(0);
  }
}

describe("the loader never crashes", () => {
  it("on arbitrary text: it yields structured problems", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (text) => {
        const { problems } = validateFleet(fleetOf(ownerSource("abc", text)), TODAY);
        expect(problems.length).toBeGreaterThan(0);
        expectStructured(problems, "stacks/abc.yaml");
      }),
      { numRuns: 300 },
    );
  });

  it("on YAML-shaped text with anchors, aliases, tags, merge keys, directives and tabs", () => {
    const pieces = [
      "org: abc",
      "- x",
      "  b: [1, 2]",
      "i: &x 1",
      "j: *x",
      "k: *missing",
      "t: !!str 3",
      "u: !custom 3",
      "<<: {m: 1}",
      "l: |\n  t",
      "\t",
      "{",
      "'",
      "---",
      "...",
      "%YAML 1.2",
      "? h",
      "users:",
      "  - upn: a@ai-dev.no",
      "access: *x",
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 10 }), (lines) => {
        const { problems } = validateFleet(fleetOf(ownerSource("abc", lines.join("\n"))), TODAY);
        expect(problems.length).toBeGreaterThan(0);
        expectStructured(problems, "stacks/abc.yaml");
      }),
      { numRuns: 1000 },
    );
  });

  it("on arbitrary YAML values: they are rejected with positions, never thrown", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        const { problems } = validateFleet(fleetOf(ownerSource("abc", stringify(value))), TODAY);
        expectStructured(problems, "stacks/abc.yaml");
      }),
      { numRuns: 300 },
    );
  });

  it("on a valid owner with one field replaced by anything: problems name that field", () => {
    const fields = Object.keys(ownerDocument("abc"));
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 2 }), (field, value) => {
        const { problems } = validateFleet(
          fleetOf(ownerSource("abc", stringify(ownerDocument("abc", { [field]: value })))),
          TODAY,
        );
        expectStructured(problems, "stacks/abc.yaml");
        // A bad field is reported at itself; grants that refer to users or environments may also be reported.
        for (const problem of problems)
          expect(problem.path.startsWith(field) || /^access\[\d+\]\./.test(problem.path)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
