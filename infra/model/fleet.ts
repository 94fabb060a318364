import * as path from "node:path";
import type { IsoDate } from "./dates";
import { environmentLayerFileSchema, type EnvironmentLayer } from "./environment";
import type { Fleet, FleetResult, FleetSources, SourceFile } from "./fleetShape";
import type { EntryKind } from "./inputFiles";
import { ownerSchema, type Grant, type Owner } from "./owner";
import { sortProblems, type Problem } from "./problem";
import {
  checkExpiredGrants,
  checkFleetRules,
  checkGrantLifetimes,
  checkTermsForProd,
  checkTermsVersion,
  type ParsedOwner,
} from "./rules";
import { checkSchema, ENVIRONMENTS, type EnvironmentName } from "./schema";
import { parseYamlSource } from "./yamlSource";
import { checkProdNotAheadOfTt02 } from "./versionRules";

export const STACKS_DIR = "stacks";

/** Pulumi keeps its own `Pulumi.<stack>.yaml` files next to the owner files (stackConfigDir): those are not owners. */
export function isOwnerFileName(name: string): boolean {
  return name.endsWith(".yaml") && !name.startsWith("Pulumi.");
}

export function ownerFilePath(org: string): string {
  return `${STACKS_DIR}/${org}.yaml`;
}

export function orgOfOwnerFile(file: string): string {
  return path.posix.basename(file, ".yaml");
}

/**
 * Why `stacks` (of this kind, undefined when absent) cannot hold the owner files: it must be a real directory of the
 * repository, never a symbolic link to a folder elsewhere (its files would be reviewed nowhere).
 */
export function stacksDirectoryProblem(kind: EntryKind | undefined): string | undefined {
  if (kind === undefined || kind === "directory") return undefined;
  if (kind === "symlink") return "is a symbolic link: stacks/ must be a real directory in the repository";
  return "is not a directory: stacks/ must be a real directory in the repository";
}

/** The whole file as one problem: it was not read, so nothing inside it can be positioned. */
export function fileProblem(file: string, message: string): Problem {
  return { file, line: 0, column: 0, path: "", message };
}

function unreadFile(source: SourceFile): Problem {
  return fileProblem(source.file, source.problem ?? "file not found");
}

function parseLayer(
  environment: EnvironmentName,
  source: SourceFile,
): { layer?: EnvironmentLayer; problems: Problem[] } {
  if (source.text === undefined) return { problems: [unreadFile(source)] };
  const yaml = parseYamlSource(source.file, source.text);
  if (yaml.syntaxProblems.length > 0) return { problems: yaml.syntaxProblems };
  const checked = checkSchema(yaml, environmentLayerFileSchema);
  if (!checked.value) return { problems: checked.problems };
  if (checked.value.environment !== environment) {
    const key = ["config", "altinn-apps:environment"];
    return { problems: [yaml.problemAt(key, `must be "${environment}" in ${source.file}`)] };
  }
  return { layer: checked.value, problems: [] };
}

type OwnerParse = {
  readonly parsed?: ParsedOwner;
  /** A file that failed its schema: the parts that passed, for the rules across files (see salvagedOwner). */
  readonly salvaged?: ParsedOwner;
  readonly problems: readonly Problem[];
};

/**
 * Owner files parsed in this process, by path and content. A pull request check validates two versions of the
 * fleet (base and working tree) that share all but a few files, and reading YAML with its positions is most of
 * validation's time. A parse depends on nothing but the path and the text.
 */
const ownerParses = new Map<string, OwnerParse>();

function parseOwner(source: SourceFile): OwnerParse {
  if (source.text === undefined) return { problems: [unreadFile(source)] };
  const key = `${source.file}\u0000${source.text}`;
  const known = ownerParses.get(key);
  if (known) return known;
  const result = parseOwnerText(source.file, source.text);
  ownerParses.set(key, result);
  return result;
}

/** The environments a valid owner file declares (its parse is kept for validation); undefined when it is not valid. */
export function declaredEnvironmentsOf(source: SourceFile): EnvironmentName[] | undefined {
  const { parsed } = parseOwner(source);
  return parsed && ENVIRONMENTS.filter((environment) => parsed.owner.environments[environment] !== undefined);
}

function parseOwnerText(file: string, text: string): OwnerParse {
  const yaml = parseYamlSource(file, text);
  if (yaml.syntaxProblems.length > 0) return { problems: yaml.syntaxProblems };
  const checked = checkSchema(yaml, ownerSchema);
  if (!checked.value) {
    const owner = salvagedOwner(yaml.data);
    const salvaged = owner && { fileOrg: orgOfOwnerFile(file), source: yaml, owner };
    return { problems: checked.problems, ...(salvaged ? { salvaged } : {}) };
  }
  return { parsed: { fileOrg: orgOfOwnerFile(file), source: yaml, owner: checked.value }, problems: [] };
}

/**
 * The parts of an owner file that passed the schema, so that the rules across files run in the same pass as the
 * schema (every problem at once). It needs `org`, `environments` and `users` valid (the rules' anchors: a broken
 * user list would make every grant look unregistered); each valid grant keeps its own index in `access` and a grant
 * that failed is a hole, which the rules' flatMap and forEach skip, so a problem still names the right line. The
 * fields no rule across files reads are left empty.
 */
function salvagedOwner(data: unknown): Owner | undefined {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return undefined;
  const fields = data as Record<string, unknown>;
  const { shape } = ownerSchema;
  const org = shape.org.safeParse(fields["org"]);
  const environments = shape.environments.safeParse(fields["environments"]);
  const users = shape.users.safeParse(fields["users"]);
  if (!org.success || !environments.success || !users.success) return undefined;
  const grantSchema = shape.access.unwrap().element;
  const access: Grant[] = [];
  (Array.isArray(fields["access"]) ? (fields["access"] as unknown[]) : []).forEach((entry, index) => {
    const grant = grantSchema.safeParse(entry);
    if (grant.success) access[index] = grant.data;
  });
  return {
    org: org.data,
    name: { nb: "", en: "" },
    contact: "",
    environments: environments.data,
    users: users.data,
    access,
  };
}

/** Parse, check every file against its schema, then the rules across files. Never throws on bad input. */
export function validateFleet(sources: FleetSources, today: IsoDate): FleetResult {
  const problems: Problem[] = [...(sources.strays ?? [])];
  const layers: Partial<Record<EnvironmentName, EnvironmentLayer>> = {};
  for (const environment of ENVIRONMENTS) {
    const result = parseLayer(environment, sources.layers[environment]);
    problems.push(...result.problems);
    if (result.layer) layers[environment] = result.layer;
  }
  const parsedOwners: ParsedOwner[] = [];
  const salvagedOwners: ParsedOwner[] = [];
  for (const source of sources.owners) {
    const result = parseOwner(source);
    problems.push(...result.problems);
    if (result.parsed) parsedOwners.push(result.parsed);
    if (result.salvaged) salvagedOwners.push(result.salvaged);
  }
  // The rules across files see the valid parts of invalid files too: one pass reports everything.
  const checkedOwners = [...parsedOwners, ...salvagedOwners];
  const ruleProblems = [
    ...checkFleetRules(checkedOwners, layers),
    ...checkedOwners.flatMap((parsed) => checkGrantLifetimes(parsed, layers, today)),
  ];
  const expiredGrants = checkedOwners.flatMap((parsed) => checkExpiredGrants(parsed, today));
  const invalidFiles = new Set(ruleProblems.map((problem) => problem.file));
  const fleet: Fleet = {
    layers,
    owners: parsedOwners
      .filter((parsed) => !invalidFiles.has(parsed.source.file))
      .map((parsed) => ({ file: parsed.source.file, owner: parsed.owner })),
  };
  const versionProblems = checkProdNotAheadOfTt02(sources, fleet);
  const terms = parsedOwners.map((parsed) => checkTermsForProd(parsed, layers, today));
  return {
    fleet,
    problems: sortProblems([...problems, ...ruleProblems, ...expiredGrants, ...versionProblems]),
    expiredGrants,
    warnings: sortProblems([
      ...parsedOwners.flatMap((parsed) => checkTermsVersion(parsed, layers)),
      ...terms.flatMap((checked) => checked.warnings),
    ]),
    prodTerms: sortProblems(terms.flatMap((checked) => checked.errors)),
  };
}
