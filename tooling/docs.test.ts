import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { POLICIES } from "../policies/policies";
import { ownerYaml } from "../test/support/fleet";
import { generatedDocs, withPolicyTable } from "./docs";
import { scaffoldOwnerFile } from "../onboarding/newOwner";
import { OWNER_SCHEMA_COMMENT, ownerJsonSchema } from "../onboarding/ownerSchema";
import { REPO_ROOT } from "../repository/root";

const ownerFiles = readdirSync(path.join(REPO_ROOT, "stacks")).filter((file) => /^[a-z0-9]+\.yaml$/.test(file));

describe("docs generated from code", () => {
  it.each(["README.md", "schemas/owner.schema.json", "docs/design/architecture.md"])(
    "%s is what npm run docs writes",
    async (file) => {
      const generated = (await generatedDocs(REPO_ROOT, POLICIES)).find((entry) => entry.file === file);
      expect(generated?.text).toBe(readFileSync(path.join(REPO_ROOT, file), "utf8"));
    },
  );

  it("the README's policy table lists every policy, with its level and Azure Policy definitions", () => {
    const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    for (const policy of POLICIES) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${policy.name}\``));
      expect(row, policy.name).toContain(policy.enforcementLevel);
      for (const definition of policy.azurePolicyDefinitions) expect(row).toContain(definition);
    }
  });

  it("refuses a README without the table's markers", () => {
    expect(() => withPolicyTable("# no markers\n", POLICIES)).toThrow(/markers/);
  });
});

describe("the owner-file JSON schema", () => {
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(ownerJsonSchema());

  it.each(ownerFiles)("stacks/%s names it on its first line and satisfies it", (file) => {
    const text = readFileSync(path.join(REPO_ROOT, "stacks", file), "utf8");
    expect(text.split("\n")[0]).toBe(OWNER_SCHEMA_COMMENT);
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it("is named on the first line of the file npm run new-owner scaffolds", () => {
    const entry = { name: { nb: "Etat", en: "Agency" }, orgnr: "991825827", environments: ["tt02", "production"] };
    expect(scaffoldOwnerFile("dat", entry).split("\n")[0]).toBe(OWNER_SCHEMA_COMMENT);
  });

  it("flags what the validator refuses within one file: an unknown key, a bad org code", () => {
    expect(validate(parse(ownerYaml("digdir", { colour: "blue" }).text ?? ""))).toBe(false);
    expect(validate(parse(ownerYaml("Digdir!").text ?? ""))).toBe(false);
    expect(validate(parse(ownerYaml("digdir").text ?? ""))).toBe(true);
  });
});
