import { readFileSync } from "node:fs";
import * as path from "node:path";
import { findRepositoryRoot } from "../files/fleetReader";
import { firstToLower } from "./swagger";

/**
 * What the installed @pulumi/azure-native says of a resource type in its declaration file
 * (`node_modules/@pulumi/azure-native/<module>/<resource>.d.ts`): the ARM API version it uses and the inputs it takes.
 */
function declarationOf(type: string): { file: string; text: string } {
  const [, module = "", resource = ""] = type.split(":");
  const file = path.join(
    findRepositoryRoot(__dirname),
    "node_modules",
    "@pulumi",
    "azure-native",
    module,
    `${firstToLower(resource)}.d.ts`,
  );
  return { file, text: readFileSync(file, "utf8") };
}

/** The ARM API version the installed module of `type` uses, as its declaration states it. */
export function apiVersionOf(type: string): string {
  const { file, text } = declarationOf(type);
  const match = /Uses Azure REST API version (\S+?)\.?\s/.exec(text);
  if (!match?.[1]) throw new Error(`${file}: no API version`);
  return match[1];
}

/** The top-level inputs of `type`: the properties of its `<Resource>Args` interface. */
export function sdkInputNames(type: string): Set<string> {
  const resource = type.split(":")[2] ?? "";
  const { file, text } = declarationOf(type);
  const start = text.indexOf(`export interface ${resource}Args {`);
  if (start < 0) throw new Error(`${file}: no ${resource}Args`);
  const body = text.slice(start, text.indexOf("\n}", start));
  return new Set([...body.matchAll(/^ {4}(\w+)\??:/gm)].map((match) => match[1] ?? ""));
}
