import type { ProviderContract } from "../plan/semantics/contracts/contract";

type Unchecked = ProviderContract["unchecked"][number];

const SOURCES_SEPARATOR = "; and for ";

/**
 * A partial regeneration (`generate-contracts --only <type>`): the contracts of the named types as just read, every
 * other type as committed. For a type the program starts to register, or one whose spec file was out of reach the
 * last time, without re-reading (and re-reviewing) the sources of all the others. Only for the provider version the
 * committed file was generated for: after an upgrade every type may have changed, and all are regenerated.
 * `filesRead` are the spec files the partial run read.
 */
export function mergeRegenerated(
  committed: ProviderContract,
  regenerated: ProviderContract,
  only: readonly string[],
  filesRead: ReadonlySet<string>,
): ProviderContract {
  if (committed.version !== regenerated.version)
    throw new Error(
      `the committed contracts are for ${committed.package} ${committed.version}, the installed one is ${regenerated.version}: regenerate every type (without --only)`,
    );
  const lost = only.filter((type) => committed.types[type] && !regenerated.types[type]);
  if (lost.length > 0)
    throw new Error(
      `${lost.join(", ")}: not found in the given checkout (${lost.map((type) => regenerated.notCovered[type]).join("; ")}); the committed contract is kept, nothing written`,
    );
  const isRegenerated = (type: string) => only.includes(type);
  const keep = <T>(record: Readonly<Record<string, T>>) =>
    Object.fromEntries(Object.entries(record).filter(([type]) => !isRegenerated(type)));
  const unchecked = [
    ...committed.unchecked.filter((entry) => !isRegenerated(entry.type)).map((entry) => scoped(entry, only, filesRead)),
    ...regenerated.unchecked.filter((entry) => isRegenerated(entry.type)),
  ];
  const sources = Object.fromEntries(
    Object.entries(regenerated.sources).map(([repository, read]) => {
      const before = committed.sources[repository];
      if (before === undefined || before === read) return [repository, read];
      // What an earlier --only run said about these very types is no longer true of them.
      const [first = "", ...later] = before.split(SOURCES_SEPARATOR);
      const stillTrue = later.filter((segment) => !segment.split(": ")[0]?.split(", ").every(isRegenerated));
      return [repository, [first, ...stillTrue, `${only.join(", ")}: ${read}`].join(SOURCES_SEPARATOR)];
    }),
  );
  return {
    ...committed,
    sources: { ...committed.sources, ...sources },
    types: { ...keep(committed.types), ...regenerated.types },
    notCovered: { ...keep(committed.notCovered), ...regenerated.notCovered },
    unchecked: [
      ...new Map(
        unchecked.map((entry) => [`${entry.type} ${entry.property} ${entry.source} ${entry.what}`, entry]),
      ).values(),
    ],
  };
}

/**
 * An entry of the committed file for every type (`*`: a file an earlier checkout lacked) whose file this run read:
 * still true of the types read then, and said so, since `sources` now lists the file.
 */
function scoped(entry: Unchecked, only: readonly string[], filesRead: ReadonlySet<string>): Unchecked {
  if (entry.type !== "*" || !filesRead.has(entry.source)) return entry;
  // Said once: a later run's words replace an earlier run's.
  const what = entry.what.replace(LATER_READ, "");
  return { ...entry, what: `${what} (of the types read from an earlier checkout; read later for ${only.join(", ")})` };
}

const LATER_READ = / \(of the types read from an earlier checkout; read later for [^)]*\)$/;
