import { ORG_CODE } from "./owner";
import { ENVIRONMENTS } from "./schema";

/**
 * What may sit in stacks/ and what an input file may be, decided from facts the reader gathered (name, type, size,
 * bytes): the reading itself is files/boundedFile.ts. An owner file is a regular `.yaml` file directly in stacks/,
 * below a size limit; Pulumi's own `Pulumi.<org>-<env>.yaml` stack files may sit beside it; anything else is an error
 * rather than silently skipped, because a skipped file is a change nobody validated.
 */

/** Far above any real owner (Altinn's largest would be a few hundred users, about 50 KiB). */
export const MAX_FILE_BYTES = 512 * 1024;

export type EntryKind = "file" | "directory" | "symlink" | "other";

export type StacksEntry =
  | { readonly kind: "owner" }
  | { readonly kind: "pulumi-stack" }
  | { readonly kind: "rejected"; readonly message: string };

const PULUMI_STACK_FILE = new RegExp(`^Pulumi\\.${ORG_CODE.source.slice(1, -1)}-(${ENVIRONMENTS.join("|")})\\.yaml$`);

function isPulumiStackFileName(name: string): boolean {
  return PULUMI_STACK_FILE.test(name);
}

/** Decide what an entry of stacks/ is from its name, its type (never following a link) and its size. */
export function classifyStacksEntry(name: string, kind: EntryKind, size: number): StacksEntry {
  if (kind === "directory") {
    return {
      kind: "rejected",
      message: "is a directory: owner files sit directly in stacks/, subfolders are not read",
    };
  }
  if (name.startsWith("Pulumi.")) {
    if (isPulumiStackFileName(name) && kind === "file") return { kind: "pulumi-stack" };
    return {
      kind: "rejected",
      message: "is not a Pulumi stack file (Pulumi.<org>-<env>.yaml, a regular file) nor an owner file",
    };
  }
  if (name.endsWith(".yml"))
    return {
      kind: "rejected",
      message: `owner files end in .yaml: rename it to ${name.slice(0, -".yml".length)}.yaml`,
    };
  if (!name.endsWith(".yaml")) {
    return {
      kind: "rejected",
      message: "is not an owner file: only <org>.yaml and Pulumi's stack files belong in stacks/",
    };
  }
  const problem = entryProblem(kind, size);
  return problem ? { kind: "rejected", message: problem } : { kind: "owner" };
}

/** Why an entry of this type and size cannot be an input file, or undefined when it can. */
export function entryProblem(kind: EntryKind, size: number, limit = MAX_FILE_BYTES): string | undefined {
  if (kind === "symlink") return "is a symbolic link: it must be a regular file";
  if (kind !== "file") return "is not a regular file";
  if (size > limit) return `is ${size} bytes, over the limit of ${limit}`;
  return undefined;
}

/** UTF-8 text, or why the bytes are not. */
export function decodeText(bytes: Uint8Array): { text: string } | { problem: string } {
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { problem: "is not valid UTF-8 text" };
  }
}
