import type { ProviderContract } from "../plan/semantics/contracts/contract";

/**
 * A partial regeneration (`generate-contracts --only <type>`): the contracts of the named types as just read, every
 * other type as committed. For a type the program starts to register, or one whose spec file was out of reach the
 * last time, without re-reading (and re-reviewing) the sources of all the others. Only for the provider version the
 * committed file was generated for: after an upgrade every type may have changed, and all are regenerated.
 */
export function mergeRegenerated(
  committed: ProviderContract,
  regenerated: ProviderContract,
  only: readonly string[],
): ProviderContract {
  if (committed.version !== regenerated.version)
    throw new Error(
      `the committed contracts are for ${committed.package} ${committed.version}, the installed one is ${regenerated.version}: regenerate every type (without --only)`,
    );
  const isRegenerated = (type: string) => only.includes(type);
  const keep = <T>(record: Readonly<Record<string, T>>) =>
    Object.fromEntries(Object.entries(record).filter(([type]) => !isRegenerated(type)));
  const unchecked = [
    ...committed.unchecked.filter((entry) => !isRegenerated(entry.type)),
    ...regenerated.unchecked.filter((entry) => entry.type === "*" || isRegenerated(entry.type)),
  ];
  const sources = Object.fromEntries(
    Object.entries(regenerated.sources).map(([repository, read]) => {
      const before = committed.sources[repository];
      const described =
        before === undefined || before === read ? read : `${before}; and for ${only.join(", ")}: ${read}`;
      return [repository, described];
    }),
  );
  return {
    ...committed,
    sources: { ...committed.sources, ...sources },
    types: { ...keep(committed.types), ...regenerated.types },
    notCovered: { ...keep(committed.notCovered), ...regenerated.notCovered },
    unchecked: [...new Map(unchecked.map((entry) => [JSON.stringify(entry), entry])).values()],
  };
}
