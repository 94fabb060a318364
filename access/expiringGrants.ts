import { endOfDayInOslo } from "../infra/model/access";
import { daysBetween, hasExpired, type IsoDate } from "../infra/model/dates";
import type { Fleet } from "../infra/model/fleetShape";
import { stackName } from "../infra/model/stackName";
import type { Grant } from "../infra/model/owner";
import type { EnvironmentName } from "../infra/model/schema";
import { code, table, text } from "../cli/markdown";

export interface ExpiringGrant {
  readonly upn: string;
  readonly name: string;
  readonly role: Grant["role"];
  readonly environment: EnvironmentName;
  readonly expires: IsoDate;
  /** Whole days from today to the last valid day: 0 means it ends tonight (Oslo time). */
  readonly daysLeft: number;
  readonly endsAt: string;
}

export interface OwnerExpiring {
  readonly org: string;
  readonly file: string;
  readonly contact: string;
  readonly grants: readonly ExpiringGrant[];
}

export interface ExpiringReport {
  readonly today: IsoDate;
  readonly within: number;
  /** Only owners with something expiring, by org. */
  readonly owners: readonly OwnerExpiring[];
}

/** Per owner, the grants still valid today that end within `within` days: renew them by PR before then. */
export function expiringGrants(fleet: Fleet, today: IsoDate, within: number, org?: string): ExpiringReport {
  const owners = fleet.owners
    .filter(({ owner }) => org === undefined || owner.org === org)
    .map(({ file, owner }): OwnerExpiring => {
      const names = new Map(owner.users.map((user) => [user.upn, user.name]));
      const grants = owner.access.flatMap((grant): ExpiringGrant[] => {
        const { expires } = grant;
        if (expires === undefined || hasExpired(expires, today) || daysBetween(today, expires) > within) return [];
        return [
          {
            upn: grant.user,
            name: names.get(grant.user) ?? "",
            role: grant.role,
            environment: grant.environment,
            expires,
            daysLeft: daysBetween(today, expires),
            endsAt: endOfDayInOslo(expires),
          },
        ];
      });
      const byDate = [...grants].sort((a, b) => a.expires.localeCompare(b.expires) || a.upn.localeCompare(b.upn));
      return { org: owner.org, file, contact: owner.contact, grants: byDate };
    })
    .filter((owner) => owner.grants.length > 0)
    .sort((a, b) => a.org.localeCompare(b.org));
  return { today, within, owners };
}

/** How many days back the reconcile still catches an ended grant, so a missed daily run is made up the next day. */
export const RECONCILE_LOOKBACK_DAYS = 7;

/**
 * The stacks with a grant that ended (its `expires` day passed within the lookback): what the daily reconcile
 * deploys. A `membership` stack's members must change; a `pim` stack's schedule has ended in Entra ID already, and
 * the deploy only forgets it (pulumi-up.yml, ended-schedules), so that the daily drift check does not report it.
 */
export function stacksToReconcile(fleet: Fleet, today: IsoDate): Record<EnvironmentName, string[]> {
  const stacks: Record<EnvironmentName, string[]> = { tt02: [], prod: [] };
  for (const { owner } of fleet.owners) {
    for (const environment of ["tt02", "prod"] as const) {
      const layer = fleet.layers[environment];
      if (!layer || !owner.environments[environment]) continue;
      const ended = owner.access.some(
        (grant) =>
          grant.environment === environment &&
          grant.expires !== undefined &&
          hasExpired(grant.expires, today) &&
          daysBetween(grant.expires, today) <= RECONCILE_LOOKBACK_DAYS,
      );
      if (ended) stacks[environment].push(stackName(owner.org, environment));
    }
  }
  return { tt02: stacks.tt02.sort(), prod: stacks.prod.sort() };
}

const ROLE_TITLES: Record<Grant["role"], string> = { developer: "Developer", operations: "Operations" };

function left(grant: ExpiringGrant): string {
  return grant.daysLeft === 0 ? "ends tonight" : `${grant.daysLeft} day(s) left`;
}

export function formatExpiringText({ today, within, owners }: ExpiringReport): string {
  if (owners.length === 0) return `Nothing expires within ${within} day(s) of ${today}.\n`;
  const lines = owners.flatMap((owner) => [
    `${owner.org} (${owner.file}, ${owner.contact}):`,
    ...owner.grants.map(
      (grant) =>
        `  ${grant.expires}  ${grant.environment} ${ROLE_TITLES[grant.role]}: ${grant.upn} (${grant.name}), ${left(grant)}`,
    ),
    "",
  ]);
  return `Grants expiring within ${within} day(s) of ${today}:\n\n${lines.join("\n")}`;
}

/** One section per owner; with one owner, the body of that owner's reminder issue. */
export function formatExpiringMarkdown({ today, within, owners }: ExpiringReport): string {
  if (owners.length === 0) return `Nothing expires within ${within} day(s) of ${today}.\n`;
  const sections = owners.flatMap((owner) => [
    `## ${text(owner.org)}: access expiring within ${within} days`,
    "",
    `As of ${today}. To keep access, open a pull request that moves \`expires\` in ${code(owner.file)} ` +
      `(contact: ${text(owner.contact)}); otherwise access ends at midnight after the date, Norwegian time.`,
    "",
    ...table(
      ["expires", "environment", "role", "user", "name", "left"],
      owner.grants.map((grant) => [
        grant.expires,
        grant.environment,
        ROLE_TITLES[grant.role],
        grant.upn,
        grant.name,
        left(grant),
      ]),
    ),
    "",
  ]);
  return `${sections.join("\n").trimEnd()}\n`;
}

export function formatExpiringJson(report: ExpiringReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
