import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { ContractNode, ContractRule, TypeContract } from "../plan/semantics/contracts/contract";
import { firstToLower } from "./swagger";

/**
 * Reads a resource's schema from hashicorp/terraform-provider-azuread's Go source: the `map[string]*pluginsdk.Schema`
 * literal after a marker (the function that returns it), with Required, ForceNew, RequiredWith, ConflictsWith,
 * ExactlyOneOf, AtLeastOneOf, MinItems/MaxItems and the validation functions whose meaning is plain data. Names are
 * turned into Pulumi's (camelCase; a block of MaxItems 1 is an object in Pulumi, not a list).
 */

export interface Unchecked {
  readonly property: string;
  readonly source: string;
  readonly what: string;
}

class GoFile {
  private readonly lineStarts: number[] = [0];

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    for (let index = 0; index < text.length; index++) if (text[index] === "\n") this.lineStarts.push(index + 1);
  }

  cite(offset: number): string {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((this.lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return `${this.file}:${low + 1}`;
  }
}

/** The offset just past the string or rune literal that starts at `start`. */
function pastString(text: string, start: number): number {
  const quote = text[start];
  let index = start + 1;
  while (index < text.length && text[index] !== quote) index += text[index] === "\\" && quote !== "`" ? 2 : 1;
  return index + 1;
}

/** The offset just past the end of the line comment at `start`. */
function pastComment(text: string, start: number): number {
  const newline = text.indexOf("\n", start);
  return newline < 0 ? text.length : newline + 1;
}

/** The offset just past the bracket that closes the one at `open`, skipping strings, runes and comments. */
function closing(text: string, open: number): number {
  let depth = 0;
  let index = open;
  while (index < text.length) {
    const char = text[index] ?? "";
    if (char === '"' || char === "`" || char === "'") {
      index = pastString(text, index);
      continue;
    }
    if (char === "/" && text[index + 1] === "/") {
      index = pastComment(text, index);
      continue;
    }
    if ("{([".includes(char)) depth++;
    else if ("})]".includes(char)) {
      depth--;
      if (depth === 0) return index + 1;
    }
    index++;
  }
  throw new Error(`unbalanced brackets from offset ${open}`);
}

/** The top-level `Key: value` fields of a Go composite literal body (between its braces), with the key's offset. */
function fields(text: string, start: number, end: number): { key: string; value: string; offset: number }[] {
  const found: { key: string; value: string; offset: number }[] = [];
  let index = start;
  while (index < end) {
    const char = text[index] ?? "";
    if (/\s/.test(char)) {
      index++;
      continue;
    }
    if (char === "/" && text[index + 1] === "/") {
      index = pastComment(text, index);
      continue;
    }
    const key = /^([A-Za-z_][A-Za-z0-9_]*|"[^"]+")\s*:/.exec(text.slice(index, Math.min(end, index + 200)));
    if (!key) break;
    const offset = index;
    let cursor = index + key[0].length;
    const valueStart = cursor;
    while (cursor < end && text[cursor] !== ",") {
      const next = text[cursor] ?? "";
      if ("{([".includes(next)) cursor = closing(text, cursor);
      else if (next === '"' || next === "`" || next === "'") cursor = pastString(text, cursor);
      else if (next === "/" && text[cursor + 1] === "/") cursor = pastComment(text, cursor);
      else cursor++;
    }
    found.push({ key: (key[1] ?? "").replace(/"/g, ""), value: text.slice(valueStart, cursor).trim(), offset });
    index = cursor + 1;
  }
  return found;
}

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** A Terraform attribute path (`activation_rules.0.require_mfa`) as a Pulumi input path (`activationRules.requireMfa`). */
export function pulumiPath(terraformPath: string): string {
  return terraformPath
    .split(".")
    .filter((segment) => !/^\d+$/.test(segment))
    .map(camel)
    .join(".");
}

const stringList = (value: string) => [...value.matchAll(/"([^"]*)"/g)].map((match) => match[1] ?? "");

export class TerraformReader {
  private readonly files = new Map<string, GoFile>();
  readonly unchecked: Unchecked[] = [];

  constructor(private readonly root: string) {}

  private load(relative: string): GoFile {
    let file = this.files.get(relative);
    if (!file) {
      file = new GoFile(relative, readFileSync(path.join(this.root, relative), "utf8"));
      this.files.set(relative, file);
    }
    return file;
  }

  /** The Go files of the package (folder) of `file`. */
  private packageFiles(file: GoFile): GoFile[] {
    const directory = path.posix.dirname(file.file);
    return readdirSync(path.join(this.root, directory))
      .filter((entry) => entry.endsWith(".go") && !entry.endsWith("_test.go"))
      .map((entry) => this.load(`${directory}/${entry}`));
  }

  /** A package-level string constant (`RoleDefinitionIdMember = "member"`). */
  private packageConstant(file: GoFile, name: string): string | undefined {
    for (const candidate of this.packageFiles(file)) {
      const match = new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(candidate.text);
      if (match) return match[1];
    }
    return undefined;
  }

  /** A `[]string{…}` literal's values, its identifiers resolved to the package's string constants. */
  private stringValues(file: GoFile, literal: string): string[] | undefined {
    const elements = literal
      .slice(literal.indexOf("{") + 1, literal.lastIndexOf("}"))
      .split(",")
      .map((element) => element.trim())
      .filter(Boolean);
    const values = elements.map((element) =>
      element.startsWith('"') ? element.slice(1, -1) : this.packageConstant(file, element),
    );
    return values.every((value) => value !== undefined) ? (values as string[]) : undefined;
  }

  /** A package-level `var name = []string{…}` in the file's package, for StringInSlice(name, …). */
  private packageStrings(file: GoFile, name: string): string[] | undefined {
    for (const candidate of this.packageFiles(file)) {
      const match = new RegExp(`\\b${name}\\s*=\\s*\\[\\]string\\{`).exec(candidate.text);
      if (match) {
        const open = match.index + match[0].length - 1;
        return this.stringValues(candidate, candidate.text.slice(open, closing(candidate.text, open)));
      }
    }
    return undefined;
  }

  /** The rules a validation function stands for, or nothing (then it is listed as unchecked). */
  private validation(file: GoFile, value: string, source: string, property: string): ContractRule[] {
    const call = value.replace(/^validation\.ValidateDiag\((.*)\)$/s, "$1").trim();
    if (/^validation\.IsUUID$/.test(call)) return [{ kind: "format", format: "uuid", source }];
    if (/^validation\.IsRFC3339Time$/.test(call)) return [{ kind: "format", format: "date-time", source }];
    if (/^validation\.StringIsNotEmpty$/.test(call)) return [{ kind: "minLength", limit: 1, source }];
    const between = /^validation\.(StringLenBetween|IntBetween)\((\d+),\s*(\d+)\)$/.exec(call);
    if (between) {
      const [low, high] = [Number(between[2]), Number(between[3])];
      return between[1] === "StringLenBetween"
        ? [
            { kind: "minLength", limit: low, source },
            { kind: "maxLength", limit: high, source },
          ]
        : [
            { kind: "minimum", limit: low, exclusive: false, source },
            { kind: "maximum", limit: high, exclusive: false, source },
          ];
    }
    const inSlice = /^validation\.StringInSlice\((.*),\s*(true|false)\)$/s.exec(call);
    if (inSlice && inSlice[2] === "false") {
      const argument = (inSlice[1] ?? "").trim();
      const values = argument.startsWith("[]string{")
        ? this.stringValues(file, argument)
        : this.packageStrings(file, argument);
      if (values) return [{ kind: "enum", values, extensible: false, source }];
    }
    this.unchecked.push({ property, source, what: `validation ${call.replace(/\s+/g, " ")}` });
    return [];
  }

  /** The schema map literal that follows `marker` in `relative`, as Pulumi-shaped contract nodes. */
  schema(relative: string, marker: string): TypeContract {
    const file = this.load(relative);
    const at = file.text.indexOf(marker);
    if (at < 0) throw new Error(`${relative}: no ${marker}`);
    const mapStart = file.text.indexOf("map[string]*pluginsdk.Schema{", at);
    const names = new Map<string, string>();
    const properties = this.attributes(file, file.text.indexOf("{", mapStart), "", "", names);
    // Cross-attribute rules name Terraform paths: now that every attribute's Pulumi name is known, translate them.
    const translate = (node: ContractNode): ContractNode => ({
      ...node,
      ...(node.rules && {
        rules: node.rules.map((rule) =>
          "paths" in rule ? { ...rule, paths: rule.paths.map((other) => names.get(other) ?? pulumiPath(other)) } : rule,
        ),
      }),
      ...(node.properties && {
        properties: Object.fromEntries(Object.entries(node.properties).map(([key, child]) => [key, translate(child)])),
      }),
      ...(node.items && { items: translate(node.items) }),
      ...(node.values && { values: translate(node.values) }),
    });
    return { source: relative, inputs: translate({ at: "", properties }) };
  }

  private attributes(
    file: GoFile,
    open: number,
    parent: string,
    pulumiParent: string,
    names: Map<string, string>,
  ): Record<string, ContractNode> {
    const text = file.text;
    const end = closing(text, open) - 1;
    const properties: Record<string, ContractNode> = {};
    for (const { key, offset } of fields(text, open + 1, end)) {
      const terraformPath = parent ? `${parent}.${key}` : key;
      const bodyOpen = offset + text.slice(offset).indexOf("{");
      const { node, list } = this.attribute(file, bodyOpen, terraformPath, pulumiParent, names, key);
      const name = list ? plural(camel(key)) : camel(key);
      properties[name] = node;
    }
    return properties;
  }

  /** One attribute; `list` when Pulumi sees it as a list (then its name is plural, as Pulumi's bridge names it). */
  private attribute(
    file: GoFile,
    open: number,
    terraformPath: string,
    pulumiParent: string,
    names: Map<string, string>,
    key: string,
  ): { node: ContractNode; list: boolean } {
    const text = file.text;
    const entries = fields(text, open + 1, closing(text, open) - 1);
    const value = (field: string) => entries.find((entry) => entry.key === field);
    const type = value("Type")?.value ?? "";
    const maxItems = Number(value("MaxItems")?.value ?? NaN);
    const minItems = Number(value("MinItems")?.value ?? NaN);
    const elem = value("Elem");
    const isBlock = elem?.value.startsWith("&pluginsdk.Resource{") ?? false;
    const isList = /TypeList|TypeSet/.test(type);
    const flattened = isList && isBlock && maxItems === 1;
    const name = isList && !flattened ? plural(camel(key)) : camel(key);
    const pulumiName = pulumiParent ? `${pulumiParent}.${name}` : name;
    names.set(terraformPath, pulumiName);
    const rules: ContractRule[] = [];
    const cite = (field: string) => file.cite(value(field)?.offset ?? open);
    if (value("Required")?.value === "true") rules.push({ kind: "required", source: cite("Required") });
    if (value("ForceNew")?.value === "true") rules.push({ kind: "forceNew", source: cite("ForceNew") });
    for (const kind of ["RequiredWith", "ConflictsWith", "ExactlyOneOf", "AtLeastOneOf"] as const) {
      const entry = value(kind);
      if (entry)
        rules.push({
          kind: firstToLower(kind) as "requiredWith",
          paths: stringList(entry.value),
          source: cite(kind),
        });
    }
    for (const field of ["ValidateFunc", "ValidateDiagFunc"]) {
      const entry = value(field);
      if (entry) rules.push(...this.validation(file, entry.value, cite(field), pulumiName));
    }
    const node: {
      at: string;
      rules: ContractRule[];
      properties?: Record<string, ContractNode>;
      items?: ContractNode;
      values?: ContractNode;
    } = { at: terraformPath, rules };
    const elemOpen = elem ? elem.offset + text.slice(elem.offset).indexOf("{") : -1;
    const elemNode = (): ContractNode | undefined => {
      if (!elem) return undefined;
      if (isBlock) {
        const schemaAt = text.indexOf("map[string]*pluginsdk.Schema{", elemOpen);
        const blockPath = `${terraformPath}.0`;
        names.set(blockPath, pulumiName);
        return {
          at: blockPath,
          properties: this.attributes(file, text.indexOf("{", schemaAt), blockPath, pulumiName, names),
        };
      }
      return this.attribute(file, elemOpen, `${terraformPath}.*`, pulumiName, new Map(), "*").node;
    };
    if (isList) {
      const element = elemNode();
      if (flattened && element) {
        // Pulumi's bridge makes a block of at most one element an object.
        node.properties = element.properties;
      } else {
        if (!Number.isNaN(maxItems)) rules.push({ kind: "maxItems", limit: maxItems, source: cite("MaxItems") });
        if (!Number.isNaN(minItems)) rules.push({ kind: "minItems", limit: minItems, source: cite("MinItems") });
        if (element) node.items = element;
      }
    } else if (/TypeMap/.test(type)) {
      const element = elemNode();
      if (element) node.values = element;
    }
    return { node, list: isList && !flattened };
  }
}

/** English plurals as Pulumi's bridge forms list names (`primary_approver` → `primaryApprovers`). */
function plural(name: string): string {
  if (name.endsWith("s")) return name;
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  return `${name}s`;
}
