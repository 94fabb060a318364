import { describe, expect, it } from "vitest";
import { ACCEPTED_TERMS, ownerSource, ownerYaml } from "../test/support/fleet";
import { captureOutput } from "../test/support/output";
import { writeRepository } from "../test/support/repository";
import { main } from "./policyConfig";

const output = captureOutput();
const run = (root: string) => main(["--root", root, "--today", "2026-11-23"]);

describe("npm run policy-config", () => {
  it("writes the pack's config from the fleet: the registry, the day and the just-in-time setting", () => {
    const root = writeRepository([ownerYaml("abc"), ownerYaml("xyz", { termsOfUse: undefined })]);
    expect(run(root)).toBe(0);
    const registry = {
      requiredTermsVersion: "2025-1",
      allowedLocations: { tt02: ["norwayeast", "westeurope"], prod: ["norwayeast"] },
      owners: { abc: { termsOfUse: ACCEPTED_TERMS }, xyz: {} },
    };
    expect(JSON.parse(output.stdout())).toEqual({
      "prod-requires-accepted-terms": { registry, asOf: "2026-11-23" },
      "allowed-locations": { registry },
      "prod-operations-just-in-time": { operationsJustInTime: true },
    });
    expect(output.stderr()).toBe("");
  });

  it("leaves an invalid owner file out, naming it, so the policies refuse that owner in prod", () => {
    const root = writeRepository([ownerYaml("abc"), ownerSource("bad", "org: bad\n")]);
    expect(run(root)).toBe(0);
    const config = JSON.parse(output.stdout()) as Record<string, { registry?: { owners: object } }>;
    expect(Object.keys(config["prod-requires-accepted-terms"]?.registry?.owners ?? {})).toEqual(["abc"]);
    expect(output.stderr()).toMatch(/^policy-config: stacks\/bad\.yaml/m);
    expect(output.stderr()).toMatch(/what they make invalid is left out, so the policies refuse it in prod\n$/);
  });

  it("exits 2 on an unknown option or a malformed date", () => {
    expect(main(["--frobnicate"])).toBe(2);
    expect(main(["--today", "tomorrow"])).toBe(2);
  });
});
