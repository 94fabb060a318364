import { z } from "zod";
import { closest } from "./closest";
import type { Problem } from "./problem";
import type { YamlSource } from "./yamlSource";

export const ENVIRONMENTS = ["tt02", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];
export const environmentNameSchema = z.enum(ENVIRONMENTS);

export const ROLES = ["developer", "operations"] as const;
export type RoleName = (typeof ROLES)[number];

export const guidSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "must be a lower-case GUID");

/** What a value that YAML typed as a number or boolean must be written as instead, e.g. `1.30` read as 1.3. */
function quoteHint(input: unknown): string {
  return `must be text: YAML read this as the ${typeof input} ${JSON.stringify(input)}, so put the value in quotes ("…")`;
}

function isYamlScalar(input: unknown): input is number | boolean {
  return typeof input === "number" || typeof input === "boolean";
}

/**
 * Identifiers that look like numbers (versions, organisation numbers, tickets): YAML reads `1.30` as 1.3, `2025.10`
 * as 2025.1 and `0123` or `0x1f` as integers, so only a quoted string is accepted.
 */
export function identifierText<T extends z.ZodType<string, string>>(schema: T) {
  return z.string({ error: (issue) => (isYamlScalar(issue.input) ? quoteHint(issue.input) : undefined) }).pipe(schema);
}

/**
 * Characters no text in these files may contain: control and format characters (zero-width joiners, bidi
 * overrides), private-use and unassigned code points, lone surrogates, line and paragraph separators, the
 * default-ignorable ones a renderer shows as nothing (e.g. U+3164 HANGUL FILLER), and every space but U+0020.
 */
const FORBIDDEN_CHARACTER = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]|(?! )\p{Zs}/u;

function codePoint(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Why `value` is not acceptable free text, or undefined when it is. */
export function freeTextProblem(value: string, options: { person?: boolean } = {}): string | undefined {
  const match = FORBIDDEN_CHARACTER.exec(value);
  if (match) {
    return `contains an invisible or control character (${codePoint(match[0])} at position ${match.index + 1}): retype the text`;
  }
  if (value.trim() !== value) return "must not start or end with spaces";
  if (value.length === 0) return "must not be empty";
  if (options.person && !/\p{L}/u.test(value)) return "must name a person: it contains no letter";
  return undefined;
}

/**
 * Every text a person types into these files (names, reasons, references): normalised to NFC, so the same name is
 * the same string, and refused when it holds anything a reader cannot see.
 */
export function freeText(options: { person?: boolean; max?: number } = {}) {
  const max = options.max ?? 200;
  return z
    .string()
    .transform((value) => value.normalize("NFC"))
    .superRefine((value, context) => {
      const problem =
        freeTextProblem(value, options) ?? (value.length > max ? `must be at most ${max} characters` : undefined);
      if (problem) context.addIssue({ code: "custom", message: problem });
    });
}

type Issue = z.core.$ZodIssue;

const REQUIRED = "required";

/** Validate parsed YAML against a schema; every issue becomes a positioned problem. */
export function checkSchema<T extends z.ZodType>(
  source: YamlSource,
  schema: T,
): { value: z.output<T>; problems: [] } | { value: undefined; problems: Problem[] } {
  const result = schema.safeParse(source.data, {
    error: (issue) => {
      if (issue.input === undefined && (issue.code === "invalid_type" || issue.code === "invalid_value")) {
        return REQUIRED;
      }
      if (issue.code === "invalid_value" && typeof issue.input === "string") {
        const allowed = issue.values.map(String);
        const suggestion = closest(issue.input, allowed);
        return `must be one of ${allowed.join(", ")}${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`;
      }
      if (issue.code !== "invalid_type") return undefined;
      if (issue.input === null) return "is empty: write a value, or remove the key";
      return issue.expected === "string" && isYamlScalar(issue.input) ? quoteHint(issue.input) : undefined;
    },
  });
  if (result.success) return { value: result.data, problems: [] };
  const issues = result.error.issues;
  const suggestions = new Map<string, string>();
  const problems = issues.flatMap((issue): Problem[] => {
    const path = pathOf(issue);
    if (issue.code !== "unrecognized_keys") return [];
    const allowed = allowedKeys(schema, path);
    return issue.keys.map((key) => {
      const suggestion = closest(key, allowed);
      if (suggestion) suggestions.set(JSON.stringify([...path, suggestion]), key);
      const hint = suggestion ? `did you mean "${suggestion}"?` : `allowed: ${allowed.join(", ")}`;
      return source.problemAt([...path, key], `unknown key "${key}" (${hint})`, { atKey: true });
    });
  });
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") continue;
    // The field a misspelt key was meant to be is "required" only because of the misspelling: one problem is enough.
    if (issue.message === REQUIRED && suggestions.has(JSON.stringify(pathOf(issue)))) continue;
    problems.push(source.problemAt(pathOf(issue), issue.message));
  }
  return { value: undefined, problems };
}

function pathOf(issue: Issue): (string | number)[] {
  return issue.path.filter((segment) => typeof segment !== "symbol");
}

/** The keys a strict object at `path` accepts, so an "unknown key" error can show the right spelling. */
function allowedKeys(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    current = current && childSchema(unwrap(current), segment);
  }
  const shape = current && unwrap(current) instanceof z.ZodObject ? (unwrap(current) as z.ZodObject).shape : {};
  return Object.keys(shape);
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) {
      current = current.in as z.ZodType;
    } else {
      return current;
    }
  }
}

function childSchema(schema: z.ZodType, segment: string | number): z.ZodType | undefined {
  if (schema instanceof z.ZodObject) return (schema.shape as Record<string, z.ZodType>)[String(segment)];
  if (schema instanceof z.ZodArray) return schema.element as z.ZodType;
  return undefined;
}
