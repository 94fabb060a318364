import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { POLICIES } from "../policies/policies";
import { commandDefinitions } from "../scripts/docs";
import { ownerYaml } from "../test/support/fleet";
import { generatedDocs, GENERATED_PAGES, sectionsIn, withSection, type GeneratedFile } from "./docs";
import { scaffoldOwnerFile } from "../onboarding/newOwner";
import { OWNER_SCHEMA_COMMENT, ownerJsonSchema } from "../onboarding/ownerSchema";
import { REPO_ROOT } from "../repository/root";

const ownerFiles = readdirSync(path.join(REPO_ROOT, "stacks")).filter((file) => /^[a-z0-9]+\.yaml$/.test(file));
const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), "utf8");

/** README.md and every page under docs/. */
function markdownPages(): string[] {
  const pages = (directory: string): string[] =>
    readdirSync(path.join(REPO_ROOT, directory), { withFileTypes: true }).flatMap((entry) => {
      const file = `${directory}/${entry.name}`;
      if (entry.isDirectory()) return pages(file);
      return entry.name.endsWith(".md") ? [file] : [];
    });
  return ["README.md", ...pages("docs")];
}

describe("docs generated from code", () => {
  let generated: GeneratedFile[] = [];
  beforeAll(async () => {
    const npmScripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    generated = await generatedDocs(REPO_ROOT, {
      policies: POLICIES,
      commands: commandDefinitions(),
      npmScripts,
      codeRoot: REPO_ROOT,
    });
  }, 180_000);

  it("every generated file is what npm run docs writes", () => {
    expect(generated.map((entry) => entry.file).sort()).toEqual(
      [...Object.keys(GENERATED_PAGES), "schemas/owner.schema.json"].sort(),
    );
    for (const { file, text } of generated) expect(read(file), file).toBe(text);
  });

  it("docs --check covers every generated section: each page's markers are the ones it is generated with", () => {
    for (const page of markdownPages()) {
      expect(sectionsIn(read(page)), page).toEqual(GENERATED_PAGES[page] ?? []);
    }
  });

  it("the policy table lists every policy, with its level and Azure Policy definitions", () => {
    const page = read("docs/reference/policies.md");
    for (const policy of POLICIES) {
      const row = page.split("\n").find((line) => line.startsWith(`| \`${policy.name}\``));
      expect(row, policy.name).toContain(policy.enforcementLevel);
      for (const definition of policy.azurePolicyDefinitions) expect(row).toContain(definition);
    }
  });

  it("the exit-code table has a row for every command, report and pr-comment included", () => {
    const commands = read("docs/reference/exit-codes.md")
      .split("\n")
      .map((line) => /^\| `(?:npm run ([\w:-]+)|node scripts\/run\.mjs (\w+))`\s*\|/.exec(line))
      .flatMap((match) => (match ? [match[1] ?? match[2]] : []));
    expect(commands).toHaveLength(Object.keys(commandDefinitions()).length);
    expect(commands).toEqual(expect.arrayContaining(["report", "pr-comment", "validate", "plan"]));
  });

  it("refuses a page without a section's markers", () => {
    expect(() => withSection("x.md", "# no markers\n", "policies", "")).toThrow(/x\.md: the markers/);
  });
});

describe("the owner-file JSON schema", () => {
  // Formats (e-mail) are the validator's to check: without ajv-formats, ajv would only warn that it ignores them.
  const validate = new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(ownerJsonSchema());

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
