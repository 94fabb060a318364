import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fleetOf, ownerYaml, TODAY } from "../../test/support/fleet";
import { validateFleet } from "./fleet";
import { freeTextProblem } from "./schema";

/** Characters that show as nothing, or change what follows, in a PR diff, an editor or the portal. */
const INVISIBLE = [
  "\u0000",
  "\u0009",
  "\u000a",
  "\u000d",
  "\u001b",
  "\u007f",
  "\u0085",
  "\u00a0",
  "\u00ad",
  "\u034f",
  "\u061c",
  "\u115f",
  "\u1160",
  "\u17b4",
  "\u180e",
  "\u2000",
  "\u200b",
  "\u200c",
  "\u200d",
  "\u200e",
  "\u200f",
  "\u2028",
  "\u2029",
  "\u202a",
  "\u202e",
  "\u202f",
  "\u2060",
  "\u2066",
  "\u2069",
  "\u3000",
  "\u3164",
  "\ufe0f",
  "\ufeff",
  "\uffa0",
  "\ue000",
  "\udb40\udc01",
  "\udb40\udc41",
  "\ud800",
  "\udfff",
  "\u{f0000}",
  "\u{e01ef}",
];

const visibleName = fc
  .array(fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzæøåÆØÅéüńĳ ".split("")), { minLength: 1, maxLength: 20 })
  .map((characters) => `K${characters.join("").replace(/ +/g, " ").trim()}`);

const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc
    .array(fc.oneof(fc.constantFrom(...INVISIBLE), fc.string({ unit: "grapheme", maxLength: 3 })), { maxLength: 8 })
    .map((parts) => parts.join("")),
);

describe("free text with arbitrary Unicode", () => {
  it("accepts only NFC text without any invisible or control character, and never throws", () => {
    fc.assert(
      fc.property(anyText, fc.boolean(), (value, person) => {
        const normalised = value.normalize("NFC");
        const problem = freeTextProblem(normalised, { person });
        if (problem === undefined) {
          expect([...normalised].some((character) => INVISIBLE.includes(character))).toBe(false);
          expect(normalised.trim()).toBe(normalised);
          if (person) expect(normalised).toMatch(/\p{L}/u);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("refuses a visible name with any invisible character inserted anywhere, naming the code point", () => {
    fc.assert(
      fc.property(visibleName, fc.constantFrom(...INVISIBLE), fc.nat(), (name, invisible, at) => {
        const position = at % (name.length + 1);
        const value = `${name.slice(0, position)}${invisible}${name.slice(position)}`;
        const codePoint = (invisible.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0");
        expect(freeTextProblem(value, { person: true })).toMatch(
          new RegExp(`U\\+${codePoint} at position ${position + 1}`),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("reports a bad value in any text field of an owner file at that field, and nowhere else", () => {
    const fields: [string, (value: string) => Record<string, unknown>][] = [
      ["name.en", (value) => ({ name: { nb: "Etat", en: value } })],
      ["users[0].name", (value) => ({ users: [{ upn: "dev.abc@ai-dev.no", name: value }], access: [] })],
      [
        "access[0].reason",
        (value) => ({ access: [{ user: "dev.abc@ai-dev.no", role: "developer", environment: "tt02", reason: value }] }),
      ],
    ];
    fc.assert(
      fc.property(anyText, fc.constantFrom(...fields), (value, [field, overrides]) => {
        const { problems } = validateFleet(fleetOf(ownerYaml("abc", overrides(value))), TODAY);
        // A control character the YAML library writes unescaped (C1, U+0080–U+009F) is refused for the whole file,
        // at its line, before any field is read (see parseYamlSource).
        const atField = (problem: (typeof problems)[number]) =>
          problem.path === field || problem.message.startsWith("a control character");
        expect(problems.every((problem) => atField(problem) && problem.line > 0)).toBe(true);
        const expected = freeTextProblem(value.normalize("NFC"), { person: field === "users[0].name" });
        expect(problems.length > 0).toBe(expected !== undefined || value.length > 200);
      }),
      { numRuns: 150 },
    );
  });
});
