import * as pulumi from "@pulumi/pulumi";
import Ajv from "ajv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkInputs } from "./check";
import type { ContractNode, ContractRule, TypeContract } from "./contract";

/**
 * The checker against a small oracle: the same rules written as a JSON Schema and judged by Ajv, an independent,
 * well-kept validator. For generated one-level contracts and generated inputs, the properties the checker reports are
 * exactly those Ajv refuses.
 */

const SOURCE = "spec.json:1";

type ScalarRule = Exclude<
  ContractRule,
  { kind: "requiredWith" | "conflictsWith" | "exactlyOneOf" | "atLeastOneOf" | "createOnly" | "forceNew" | "format" }
>;

const ruleArbitrary: fc.Arbitrary<ScalarRule> = fc.oneof(
  fc.constant<ScalarRule>({ kind: "required", source: SOURCE }),
  fc
    .constantFrom("string", "integer", "number", "boolean", "array")
    .map((type) => ({ kind: "type", type, source: SOURCE }) as ScalarRule),
  fc
    .uniqueArray(fc.oneof(fc.constantFrom("a", "b", "Standard", "standard"), fc.integer({ min: 0, max: 3 })), {
      minLength: 1,
      maxLength: 3,
    })
    .map((values) => ({ kind: "enum", values, extensible: false, source: SOURCE }) as ScalarRule),
  fc
    .constantFrom("^[a-z]{2,4}$", "^[a-zA-Z0-9-]{3,24}$", "^[0-9]+$")
    .map((pattern) => ({ kind: "pattern", pattern, source: SOURCE }) as ScalarRule),
  fc
    .tuple(fc.constantFrom("minLength", "maxLength", "minItems", "maxItems"), fc.integer({ min: 0, max: 4 }))
    .map(([kind, limit]) => ({ kind, limit, source: SOURCE }) as ScalarRule),
  fc
    .tuple(fc.constantFrom("minimum", "maximum"), fc.integer({ min: -3, max: 3 }), fc.boolean())
    .map(([kind, limit, exclusive]) => ({ kind, limit, exclusive, source: SOURCE }) as ScalarRule),
  fc.constant<ScalarRule>({ kind: "readOnly", source: SOURCE }),
);

const valueArbitrary = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("a", "b", "ab", "abcd", "Standard", "standard", "x_y", "123", ""),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ min: -5, max: 5, noNaN: true }),
  fc.boolean(),
  fc.array(fc.constantFrom("a", 1), { maxLength: 5 }),
);

const PROPERTIES = ["alpha", "beta", "gamma"] as const;

/** The JSON Schema that says what the rules say, as the oracle reads it. */
function asJsonSchema(rules: Readonly<Record<string, readonly ScalarRule[]>>): object {
  const properties: Record<string, object> = {};
  const required: string[] = [];
  for (const [name, list] of Object.entries(rules)) {
    const keywords: Record<string, unknown> = {};
    for (const rule of list) {
      switch (rule.kind) {
        case "required":
          required.push(name);
          break;
        case "type":
          keywords["type"] = rule.type;
          break;
        case "enum":
          keywords["enum"] = rule.values;
          break;
        case "pattern":
          keywords["pattern"] = rule.pattern;
          break;
        case "minimum":
        case "maximum":
          keywords[rule.exclusive ? `exclusive${rule.kind === "minimum" ? "Minimum" : "Maximum"}` : rule.kind] =
            rule.limit;
          break;
        case "readOnly":
          keywords["not"] = {};
          break;
        default:
          keywords[rule.kind] = rule.limit;
      }
    }
    properties[name] = keywords;
  }
  return { type: "object", properties, required };
}

/** The properties Ajv finds fault with: `/alpha` for a value, `required` naming a missing one. */
function refusedByOracle(schema: object, input: Record<string, unknown>): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: true });
  const validate = ajv.compile(schema);
  validate(input);
  const names = (validate.errors ?? []).map((error) =>
    error.keyword === "required"
      ? String((error.params as { missingProperty: string }).missingProperty)
      : (error.instancePath.split("/")[1] ?? ""),
  );
  return [...new Set(names)].sort();
}

describe("checkInputs", () => {
  it("refuses exactly the properties a JSON Schema validator refuses, for generated rules and inputs", () => {
    fc.assert(
      fc.property(
        fc.record(
          Object.fromEntries(
            PROPERTIES.map((name) => [
              name,
              fc.uniqueArray(ruleArbitrary, { maxLength: 3, selector: (rule) => rule.kind }),
            ]),
          ) as Record<(typeof PROPERTIES)[number], fc.Arbitrary<ScalarRule[]>>,
        ),
        fc.record(
          Object.fromEntries(PROPERTIES.map((name) => [name, valueArbitrary])) as Record<
            (typeof PROPERTIES)[number],
            fc.Arbitrary<unknown>
          >,
        ),
        (rules, values) => {
          // JSON has no undefined: an absent property is one the request does not send.
          const input = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
          const contract: TypeContract = {
            source: "spec.json",
            inputs: {
              at: "",
              properties: Object.fromEntries(
                Object.entries(rules).map(([name, list]) => [name, { at: `properties.${name}`, rules: list }]),
              ),
            },
          };
          const found = [...new Set(checkInputs(contract, input).map((violation) => violation.property))].sort();
          expect(found).toEqual(refusedByOracle(asJsonSchema(rules), input));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("never guesses an unknown value: no rule of it, nor a cross-input rule that names it, is broken", () => {
    const node = (rules: ContractRule[]): ContractNode => ({ at: "x", rules });
    const contract: TypeContract = {
      source: "provider.go",
      inputs: {
        at: "",
        properties: {
          ticketNumber: node([{ kind: "requiredWith", paths: ["ticketSystem"], source: "provider.go:1" }]),
          ticketSystem: node([
            { kind: "required", source: "provider.go:2" },
            { kind: "pattern", pattern: "^x$", source: "provider.go:3" },
          ]),
        },
      },
    };
    expect(checkInputs(contract, { ticketNumber: "T-1", ticketSystem: pulumi.unknown })).toEqual([]);
    expect(
      checkInputs(contract, { ticketNumber: "T-1" }).map((found) => `${found.property} ${found.rule.kind}`),
    ).toEqual(["ticketNumber requiredWith", "ticketSystem required"]);
  });

  it("reads secret inputs as the provider receives them, and walks arrays, maps and nested objects", () => {
    const secret = { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: "not-a-guid" };
    const contract: TypeContract = {
      source: "spec.json",
      inputs: {
        at: "",
        properties: {
          properties: {
            at: "properties",
            properties: {
              tenantId: {
                at: "properties.tenantId",
                rules: [{ kind: "format", format: "uuid", source: "spec.json:7" }],
              },
            },
          },
          zones: {
            at: "zones",
            items: {
              at: "zones[*]",
              rules: [{ kind: "enum", values: ["1", "2", "3"], extensible: false, source: "spec.json:9" }],
            },
          },
          tags: {
            at: "tags",
            values: { at: "tags.*", rules: [{ kind: "maxLength", limit: 3, source: "spec.json:11" }] },
          },
        },
      },
    };
    const found = checkInputs(contract, {
      properties: { tenantId: secret },
      zones: ["1", "4"],
      tags: { a: "abc", b: "abcd" },
    });
    expect(found.map((violation) => `${violation.property} ${violation.rule.kind}`)).toEqual([
      "properties.tenantId format",
      "zones[1] enum",
      "tags.b maxLength",
    ]);
  });
});
