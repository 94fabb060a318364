import { z } from "zod";
import type { Problem } from "./problem";
import type { YamlSource } from "./source";

export const ENVIRONMENTS = ["tt02", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];
export const environmentNameSchema = z.enum(ENVIRONMENTS);

export const ROLES = ["developer", "operations"] as const;
export type RoleName = (typeof ROLES)[number];

export const guidSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "must be a lower-case GUID");

/** YAML reads `version: 2` or `orgNumber: 991825827` as numbers; the fields are identifiers, so accept both. */
export function identifierText<T extends z.ZodType<string>>(schema: T) {
  return z.preprocess((value) => (typeof value === "number" ? String(value) : value), schema);
}

/** Validate parsed YAML against a schema; every issue becomes a positioned problem. */
export function checkSchema<T extends z.ZodType>(
  source: YamlSource,
  schema: T,
): { value: z.output<T>; problems: [] } | { value: undefined; problems: Problem[] } {
  const result = schema.safeParse(source.data, {
    error: (issue) => (issue.input === undefined && issue.code === "invalid_type" ? "required" : undefined),
  });
  if (result.success) return { value: result.data, problems: [] };
  const problems = result.error.issues.flatMap((issue): Problem[] => {
    const path = issue.path.filter((segment) => typeof segment !== "symbol");
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) =>
        source.problemAt([...path, key], `unknown key "${key}" (allowed: ${allowedKeys(schema, path)})`, {
          atKey: true,
        }),
      );
    }
    return [source.problemAt(path, issue.message)];
  });
  return { value: undefined, problems };
}

/** The keys a strict object at `path` accepts, so an "unknown key" error can show the right spelling. */
function allowedKeys(schema: z.ZodType, path: readonly (string | number)[]): string {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    current = current && childSchema(unwrap(current), segment);
  }
  const shape = current && unwrap(current) instanceof z.ZodObject ? (unwrap(current) as z.ZodObject).shape : {};
  return Object.keys(shape).join(", ");
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
