import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { ContractNode, ContractRule, TypeContract } from "../plan/semantics/contracts/contract";
import { LocatedFile } from "./located";

/**
 * Reads the request contract of one ARM resource from a checkout of Azure/azure-rest-api-specs: the PUT operation of
 * the API version azure-native's module uses, its path parameters and its body schema, flattened the way azure-native
 * flattens it (`x-ms-client-flatten`), so the contract has the SDK's shape and each node says where ARM receives it.
 */

type Schema = Record<string, unknown>;

/** `HelloWorld` → `helloWorld` (pulumi-azure-native utilities.go `firstToLower`). */
export function firstToLower(text: string): string {
  return `${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

/**
 * The name azure-native's SDK gives a property of the spec: its `x-ms-client-name` (first letter lowered) or its wire
 * name, in azure-native's lowerCamelCase (`Application_Type` → `applicationType`). A port of pulumi-azure-native
 * `provider/pkg/gen/properties.go` (genProperties: `sdkName`) and `utilities.go` (`ToLowerCamel`, `toCamelInitCase`).
 */
export function sdkPropertyName(name: string, clientName?: string): string {
  let sdkName = clientName === undefined ? name : firstToLower(clientName);
  if (sdkName === "ID" || sdkName === "TTL") sdkName = sdkName.toLowerCase();
  sdkName = sdkName.replace(/^[^A-Za-z]+/, "");
  sdkName = firstToLower(sdkName).replace(/^ +| +$/g, "");
  let camel = "";
  let capitalizeNext = false;
  for (const character of sdkName) {
    if (/[A-Z0-9]/.test(character)) camel += character;
    else if (/[a-z]/.test(character)) camel += capitalizeNext ? character.toUpperCase() : character;
    capitalizeNext = /[_ .-]/.test(character);
  }
  return camel;
}

interface Located {
  readonly schema: Schema;
  readonly file: LocatedFile;
}

export class SpecReader {
  private readonly files = new Map<string, LocatedFile | undefined>();
  private versionDirectories: Map<string, string[]> | undefined;
  /**
   * The `$ref`s of the contract being read into files this checkout does not have (a partial checkout), each with the
   * file that refers to it: their rules are missing from that contract, and said so.
   */
  private missing = new Map<string, string>();

  constructor(private readonly root: string) {}

  private load(relative: string): LocatedFile | undefined {
    if (!this.files.has(relative)) {
      const absolute = path.join(this.root, relative);
      this.files.set(relative, existsSync(absolute) ? new LocatedFile(relative, absolute) : undefined);
    }
    return this.files.get(relative);
  }

  /** The spec files read so far (found, parsed), repository-relative. */
  filesRead(): string[] {
    return [...this.files].filter(([, file]) => file !== undefined).map(([relative]) => relative);
  }

  /** Every `resource-manager/…/<stable|preview>/<version>/` folder of the checkout, by version. */
  private directoriesOf(apiVersion: string): string[] {
    if (!this.versionDirectories) {
      const found = new Map<string, string[]>();
      const walk = (relative: string, depth: number) => {
        if (depth > 8) return;
        for (const entry of readdirSync(path.join(this.root, relative), { withFileTypes: true })) {
          if (!entry.isDirectory() || entry.name === "examples") continue;
          const child = `${relative}/${entry.name}`;
          if (/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(entry.name) && /\/(stable|preview)$/.test(relative))
            found.set(entry.name, [...(found.get(entry.name) ?? []), child]);
          else walk(child, depth + 1);
        }
      };
      walk("specification", 0);
      this.versionDirectories = found;
    }
    return this.versionDirectories.get(apiVersion) ?? [];
  }

  /** The spec file and path item whose PUT creates the resource at `pathSuffix` (parameters written `{}`). */
  findPut(apiVersion: string, pathSuffix: string): { file: LocatedFile; pathKey: string; item: Schema } | undefined {
    const normalize = (text: string) => text.replace(/\{[^}]+\}/g, "{}").toLowerCase();
    const suffix = normalize(pathSuffix);
    const lastSegment = suffix.split("/").filter(Boolean).at(-2) ?? "";
    for (const directory of this.directoriesOf(apiVersion)) {
      for (const entry of readdirSync(path.join(this.root, directory))) {
        if (!entry.endsWith(".json")) continue;
        const relative = `${directory}/${entry}`;
        // Parsing with positions is slow: read only files that can hold the path.
        if (!readFileSync(path.join(this.root, relative), "utf8").toLowerCase().includes(`/${lastSegment}/`)) continue;
        const file = this.load(relative);
        const paths = ((file?.value as Schema | undefined)?.["paths"] ?? {}) as Record<string, Schema>;
        for (const [pathKey, item] of Object.entries(paths))
          if (normalize(pathKey).endsWith(suffix) && item["put"] && file) return { file, pathKey, item };
      }
    }
    return undefined;
  }

  /** Follow a `$ref` (`#/definitions/X` or `../other.json#/parameters/Y`) from `file`. */
  resolve(file: LocatedFile, ref: string): Located | undefined {
    const [target = "", pointer = ""] = ref.split("#");
    const targetPath = path.posix.normalize(path.posix.join(path.posix.dirname(file.file), target));
    const targetFile = target ? this.load(targetPath) : file;
    if (!targetFile) {
      if (!this.missing.has(targetPath)) this.missing.set(targetPath, file.file);
      return undefined;
    }
    const schema = pointer
      .split("/")
      .filter(Boolean)
      .reduce<unknown>(
        (value, segment) => (value as Schema | undefined)?.[segment.replace(/~1/g, "/").replace(/~0/g, "~")],
        targetFile.value,
      );
    return schema && typeof schema === "object" ? { schema: schema as Schema, file: targetFile } : undefined;
  }

  /**
   * The resource's contract: its URL's path parameters and its PUT body, as azure-native's SDK shapes them; and the
   * files it refers to that the checkout lacks (missing file → the file that refers to it).
   */
  resourceContract(
    apiVersion: string,
    pathSuffix: string,
  ): { contract: TypeContract; missing: ReadonlyMap<string, string> } | undefined {
    const put = this.findPut(apiVersion, pathSuffix);
    if (!put) return undefined;
    this.missing = new Map();
    const operation = put.item["put"] as Schema;
    const parameters = [
      ...((put.item["parameters"] as Schema[] | undefined) ?? []),
      ...((operation["parameters"] as Schema[]) ?? []),
    ];
    const properties: Record<string, ContractNode> = {};
    const ownName = [...put.pathKey.matchAll(/\{([^}]+)\}/g)].at(-1)?.[1];
    let bodyNode: ContractNode | undefined;
    for (const parameter of parameters) {
      const located = parameter["$ref"]
        ? this.resolve(put.file, parameter["$ref"] as string)
        : { schema: parameter, file: put.file };
      if (!located) continue;
      const { schema, file } = located;
      const name = schema["name"] as string;
      if (schema["in"] === "body") {
        bodyNode = this.schemaNode(schema["schema"] as Schema, file, "", new Set());
        continue;
      }
      if (schema["in"] !== "path" || name === "subscriptionId") continue;
      const rules = this.scalarRules(schema, file);
      // azure-native names a resource itself when its own name is not given (auto-naming): only the parents are required.
      if (name !== ownName) rules.unshift({ kind: "required", source: file.cite(schema, "required") });
      properties[name] = { at: `{${name}}`, rules };
    }
    const body = bodyNode?.properties ?? {};
    const contract: TypeContract = {
      source: put.file.file,
      apiVersion,
      inputs: {
        at: "",
        properties: { ...body, ...properties },
        rules: bodyNode?.rules?.filter((rule) => rule.kind !== "type"),
      },
    };
    return { contract, missing: this.missing };
  }

  /** Rules written on a schema or parameter object itself. */
  private scalarRules(schema: Schema, file: LocatedFile): ContractRule[] {
    const rules: ContractRule[] = [];
    const cite = (key: string) => file.cite(schema, key);
    const type = schema["type"];
    if (type === "string" || type === "integer" || type === "number" || type === "boolean" || type === "array")
      rules.push({ kind: "type", type, source: cite("type") });
    if (Array.isArray(schema["enum"])) {
      const xmsEnum = schema["x-ms-enum"] as Schema | undefined;
      rules.push({
        kind: "enum",
        values: schema["enum"] as (string | number)[],
        extensible: xmsEnum?.["modelAsString"] === true,
        source: cite("enum"),
      });
    }
    if (typeof schema["pattern"] === "string")
      rules.push({ kind: "pattern", pattern: schema["pattern"], source: cite("pattern") });
    for (const kind of ["minLength", "maxLength", "minItems", "maxItems"] as const)
      if (typeof schema[kind] === "number") rules.push({ kind, limit: schema[kind], source: cite(kind) });
    if (typeof schema["minimum"] === "number")
      rules.push({
        kind: "minimum",
        limit: schema["minimum"],
        exclusive: schema["exclusiveMinimum"] === true,
        source: cite("minimum"),
      });
    if (typeof schema["maximum"] === "number")
      rules.push({
        kind: "maximum",
        limit: schema["maximum"],
        exclusive: schema["exclusiveMaximum"] === true,
        source: cite("maximum"),
      });
    const format = schema["format"];
    if (format === "uuid" || format === "uri" || format === "date-time")
      rules.push({ kind: "format", format, source: cite("format") });
    if (schema["readOnly"] === true) rules.push({ kind: "readOnly", source: cite("readOnly") });
    const mutability = schema["x-ms-mutability"];
    if (Array.isArray(mutability) && mutability.includes("create") && !mutability.includes("update"))
      rules.push({ kind: "createOnly", source: cite("x-ms-mutability") });
    return rules;
  }

  /** A schema's own rules and its properties (allOf merged, `$ref` followed, x-ms-client-flatten lifted). */
  private schemaNode(schema: Schema, file: LocatedFile, at: string, seen: ReadonlySet<string>): ContractNode {
    const rules = this.scalarRules(schema, file);
    let target: Located = { schema, file };
    const visiting = new Set(seen);
    if (typeof schema["$ref"] === "string") {
      const key = `${file.file}${schema["$ref"]}`;
      const resolved = this.resolve(file, schema["$ref"]);
      if (!resolved || seen.has(key)) return { at, rules };
      visiting.add(key);
      target = resolved;
      for (const rule of this.scalarRules(resolved.schema, resolved.file))
        if (!rules.some((known) => known.kind === rule.kind)) rules.push(rule);
    }
    const { properties, required } = this.objectShape(target, at, visiting);
    const node: {
      at: string;
      rules: ContractRule[];
      properties?: Record<string, ContractNode>;
      items?: ContractNode;
      values?: ContractNode;
    } = { at, rules };
    if (Object.keys(properties).length > 0 || required.length > 0) node.properties = properties;
    const items = target.schema["items"];
    if (items && typeof items === "object")
      node.items = this.schemaNode(items as Schema, target.file, `${at}[*]`, visiting);
    const additional = target.schema["additionalProperties"];
    if (additional && typeof additional === "object")
      node.values = this.schemaNode(additional as Schema, target.file, `${at}.*`, visiting);
    return node;
  }

  /** The properties of an object schema and its allOf parents, required ones marked, flattened ones lifted. */
  private objectShape(
    { schema, file }: Located,
    at: string,
    seen: ReadonlySet<string>,
  ): { properties: Record<string, ContractNode>; required: string[] } {
    const properties: Record<string, ContractNode> = {};
    const required: string[] = [];
    for (const parent of (schema["allOf"] as Schema[] | undefined) ?? []) {
      const ref = parent["$ref"];
      const resolved = typeof ref === "string" ? this.resolve(file, ref) : { schema: parent, file };
      if (!resolved) continue;
      const key = `${file.file}${String(ref)}`;
      if (seen.has(key)) continue;
      const inherited = this.objectShape(resolved, at, new Set([...seen, key]));
      Object.assign(properties, inherited.properties);
      required.push(...inherited.required);
    }
    const own = (schema["properties"] ?? {}) as Record<string, Schema>;
    const requiredHere = (schema["required"] as string[] | undefined) ?? [];
    for (const [name, property] of Object.entries(own)) {
      const childAt = at ? `${at}.${name}` : name;
      const child = this.schemaNode(property, file, childAt, seen);
      const isRequired = requiredHere.includes(name);
      // azure-native reads the extensions of the resolved property: its own, else those of the schema it refers to.
      const resolved =
        typeof property["$ref"] === "string" ? (this.resolve(file, property["$ref"])?.schema ?? property) : property;
      const extension = (key: string) => property[key] ?? resolved[key];
      // A dictionary is never flattened: it cannot be merged into its parent type-safely (properties.go).
      const isDictionary = Boolean(resolved["additionalProperties"]);
      if (extension("x-ms-client-flatten") === true && !isDictionary && child.properties) {
        // azure-native lifts a flattened object's properties into its parent; ARM still receives them inside it.
        for (const [liftedName, lifted] of Object.entries(child.properties)) properties[liftedName] = lifted;
        continue;
      }
      properties[sdkPropertyName(name, extension("x-ms-client-name") as string | undefined)] = isRequired
        ? { ...child, rules: [{ kind: "required", source: file.cite(schema, "required") }, ...(child.rules ?? [])] }
        : child;
    }
    required.push(...requiredHere);
    return { properties, required };
  }
}
