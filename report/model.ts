import { daysBetween, type IsoDate } from "../infra/model/dates";
import type { Fleet } from "../infra/model/fleetShape";
import type { Owner, TermsOfUse } from "../infra/model/owner";
import { ENVIRONMENTS, ROLES, type EnvironmentName, type RoleName } from "../infra/model/schema";
import { termsShortcomings } from "../infra/model/terms";
import { accessKind, type AccessKind } from "./accessKind";
import { grantKey, type GrantHistory, type GrantOrigin } from "./history";

/** Grants that run out within this many days are highlighted (and counted on the fleet page). */
export const EXPIRING_WITHIN_DAYS = 30;

export type GrantStatus = "active" | "expiring" | "expired";

export interface GrantRow {
  readonly org: string;
  readonly ownerName: Owner["name"];
  readonly user: string;
  /** The registered name; the UPN alone when the user is not registered (validation reports that). */
  readonly person: string | undefined;
  readonly role: RoleName;
  readonly environment: EnvironmentName;
  readonly access: AccessKind;
  readonly expires: IsoDate | undefined;
  /** Days from the evaluation date to the expiry date (0 on the last valid day, negative once expired). */
  readonly daysLeft: number | undefined;
  readonly status: GrantStatus;
  readonly ticket: string | undefined;
  readonly reason: string | undefined;
  /** Undefined when history is unavailable or the grant is not committed yet (see AccessReport.history). */
  readonly origin: GrantOrigin | undefined;
}

export type RoleCounts = Readonly<Record<RoleName, Readonly<Record<AccessKind, number>>>>;

export interface OwnerReport {
  readonly org: string;
  readonly file: string;
  readonly name: Owner["name"];
  readonly testOwner: boolean;
  readonly environments: readonly EnvironmentName[];
  /** The terms-of-use record and what keeps it from allowing prod (empty when complete); `required` with prod. */
  readonly terms:
    | {
        readonly required: boolean;
        readonly record: TermsOfUse | undefined;
        readonly shortcomings: readonly string[];
      }
    | undefined;
  /** Current (not expired) grants per environment and role. */
  readonly counts: Readonly<Partial<Record<EnvironmentName, RoleCounts>>>;
  readonly users: readonly { readonly upn: string; readonly name: string; readonly grants: number }[];
  readonly grants: readonly GrantRow[];
}

export interface AccessReport {
  readonly today: IsoDate;
  readonly requiredTermsVersion: string | undefined;
  readonly history: GrantHistory;
  readonly owners: readonly OwnerReport[];
}

function statusOf(daysLeft: number | undefined): GrantStatus {
  if (daysLeft === undefined || daysLeft > EXPIRING_WITHIN_DAYS) return "active";
  return daysLeft < 0 ? "expired" : "expiring";
}

function ownerReport(file: string, owner: Owner, fleet: Fleet, history: GrantHistory, today: IsoDate): OwnerReport {
  const names = new Map(owner.users.map((user) => [user.upn, user.name]));
  const grants = owner.access.map((grant): GrantRow => {
    const daysLeft = grant.expires === undefined ? undefined : daysBetween(today, grant.expires);
    return {
      org: owner.org,
      ownerName: owner.name,
      user: grant.user,
      person: names.get(grant.user),
      role: grant.role,
      environment: grant.environment,
      access: accessKind(grant, fleet.layers[grant.environment]),
      expires: grant.expires,
      daysLeft,
      status: statusOf(daysLeft),
      ticket: grant.ticket,
      reason: grant.reason,
      origin: history.available ? history.origin(file, grantKey(grant)) : undefined,
    };
  });
  const environments = ENVIRONMENTS.filter((environment) => owner.environments[environment]);
  const counts = Object.fromEntries(
    environments.map((environment) => [
      environment,
      Object.fromEntries(
        ROLES.map((role) => {
          const current = grants.filter(
            (grant) => grant.environment === environment && grant.role === role && grant.status !== "expired",
          );
          const count = (kind: AccessKind) => current.filter((grant) => grant.access === kind).length;
          return [role, { standing: count("standing"), "just-in-time": count("just-in-time") }];
        }),
      ),
    ]),
  );
  const requiredVersion = fleet.layers.prod?.termsOfUseVersion;
  return {
    org: owner.org,
    file,
    name: owner.name,
    testOwner: owner.testOwner === true,
    environments,
    terms:
      requiredVersion === undefined
        ? undefined
        : {
            required: owner.environments.prod !== undefined,
            record: owner.termsOfUse,
            shortcomings: termsShortcomings(owner.termsOfUse, requiredVersion, today),
          },
    counts,
    users: owner.users.map((user) => ({
      ...user,
      grants: grants.filter((grant) => grant.user === user.upn).length,
    })),
    grants,
  };
}

/** Everything the pages show, computed once from the validated fleet and its history. */
export function buildAccessReport(fleet: Fleet, history: GrantHistory, today: IsoDate): AccessReport {
  return {
    today,
    requiredTermsVersion: fleet.layers.prod?.termsOfUseVersion,
    history,
    owners: [...fleet.owners]
      .sort((a, b) => a.owner.org.localeCompare(b.owner.org))
      .map(({ file, owner }) => ownerReport(file, owner, fleet, history, today)),
  };
}
