import { z } from "zod";
import { ownerSchema } from "../infra/model/owner";

/** Where editors find the owner-file schema; a stable path, referenced from every owner file's first line. */
export const OWNER_SCHEMA_FILE = "schemas/owner.schema.json";
export const OWNER_SCHEMA_COMMENT = `# yaml-language-server: $schema=../${OWNER_SCHEMA_FILE}`;

/** The owner file's JSON Schema, from the zod schema the validator uses (its input side: what a person writes). */
export function ownerJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ownerSchema, { io: "input", unrepresentable: "any" }),
    title: "Altinn service owner (stacks/<org>.yaml)",
    description:
      "Generated from infra/model by npm run docs. npm run validate also checks the rules across files (users, grants, terms).",
  };
}
