import { adoptedImportId, type AdoptableKind } from "./resourceNames";
import { hasExpired, type IsoDate } from "./dates";
import { environmentLayerFileName, type ClusterSettings, type EnvironmentLayer } from "./environment";
import { ownerFilePath } from "./fleet";
import type { FleetResult } from "./fleetShape";
import type { NetworkSettings } from "./network";
import { stackName } from "./stackName";
import type { Grant, Owner } from "./owner";
import { ValidationError, type Problem } from "./problem";
import type { EnvironmentName } from "./schema";

/** Everything the program needs for one `<org>-<env>` stack, already validated and merged. */
export interface OwnerEnvironment {
  readonly org: string;
  readonly environment: EnvironmentName;
  /** The day (UTC) of this run: what a date-bound setting (recoverKeyVault, a time zone's offset) is read for. */
  readonly today: IsoDate;
  readonly owner: Owner;
  readonly layer: EnvironmentLayer;
  readonly subscriptionId: string;
  readonly location: string;
  readonly cluster: ClusterSettings;
  readonly network: NetworkSettings;
  /** Create the Key Vault with `createMode: recover`: only on the day the owner file's recoverKeyVault names. */
  readonly recoverKeyVault: boolean;
  /** A recoverKeyVault day that has passed: the program ignores it and warns until it is removed. */
  readonly staleRecoverKeyVault?: IsoDate;
  /** What is adopted instead of created: each kind's import id (adoptedImportId in infra/naming.ts). */
  readonly adopt: Readonly<Partial<Record<AdoptableKind, string>>>;
  /** Grants for this environment that have not expired: exactly the group members to provision. */
  readonly activeGrants: readonly Grant[];
  /** Expired grants still in the owner file: left out of the groups, and worth a warning. */
  readonly expiredGrants: readonly Problem[];
}

/**
 * Pick one owner's environment out of a validated fleet. Refuses (with every relevant problem) when the owner
 * file or the environment layer is invalid, or the owner does not have the environment.
 */
export function resolveOwnerEnvironment(
  { fleet, problems, expiredGrants }: FleetResult,
  org: string,
  environment: EnvironmentName,
  today: IsoDate,
): OwnerEnvironment {
  const ownerFile = ownerFilePath(org);
  const isRelevant = (problem: Problem) =>
    problem.file === ownerFile || problem.file === environmentLayerFileName(environment);
  const relevant = problems.filter((problem) => isRelevant(problem) && !expiredGrants.includes(problem));
  const stack = stackName(org, environment);
  if (relevant.length > 0) throw new ValidationError(relevant, `stack ${stack} has invalid configuration`);
  const loaded = fleet.owners.find((candidate) => candidate.file === ownerFile);
  const layer = fleet.layers[environment];
  if (!loaded || !layer) {
    throw new ValidationError(
      [{ file: ownerFile, line: 0, column: 0, path: "", message: `no service owner "${org}": ${ownerFile} not found` }],
      `stack ${stack} has no owner file`,
    );
  }
  const settings = loaded.owner.environments[environment];
  if (!settings) {
    throw new ValidationError(
      [
        {
          file: ownerFile,
          line: 0,
          column: 0,
          path: "environments",
          message: `${org} has no ${environment} environment`,
        },
      ],
      `stack ${stack} does not exist for this owner`,
    );
  }
  return {
    org,
    environment,
    today,
    owner: loaded.owner,
    layer,
    subscriptionId: settings.subscriptionId,
    location: settings.location ?? layer.locations.default,
    cluster: { ...layer.cluster, ...settings.cluster },
    network: { ...layer.network, ...settings.network },
    recoverKeyVault: settings.recoverKeyVault === today,
    ...(settings.recoverKeyVault !== undefined && settings.recoverKeyVault < today
      ? { staleRecoverKeyVault: settings.recoverKeyVault }
      : {}),
    adopt: Object.fromEntries(
      Object.entries(settings.adopt ?? {}).flatMap(([kind, value]) => {
        const id = value && adoptedImportId(kind as AdoptableKind, value, { org, environment, ...settings });
        return id ? [[kind, id]] : [];
      }),
    ),
    activeGrants: loaded.owner.access.filter(
      (grant) => grant.environment === environment && !hasExpired(grant.expires, today),
    ),
    expiredGrants: expiredGrants.filter(isRelevant),
  };
}
