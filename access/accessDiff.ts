import { accessPolicy, grantKind, type GrantKind } from "../infra/model/access";
import { daysBetween, hasExpired, type IsoDate } from "../infra/model/dates";
import type { EnvironmentLayer } from "../infra/model/environment";
import { ownerFilePath, STACKS_DIR } from "../infra/model/fleet";
import type { FleetSources } from "../infra/model/fleetShape";
import type { Grant, Owner, TermsOfUse } from "../infra/model/owner";
import type { EnvironmentName } from "../infra/model/schema";
import { code, raw, table, text } from "../cli/markdown";
import { validatedFleet } from "../repository/validatedFleet";

/** More than this share of an owner's active grants removed in one change needs an explicit override. */
export const REMOVAL_GUARD_SHARE = 0.25;
export const OVERRIDE_LABEL = "access-removal-approved";
/** A grant whose `expires` moves to within this many days is a removal deferred, and counts as one. */
export const DEFERRED_REMOVAL_DAYS = 7;

export interface GrantChange {
  readonly kind: "gains" | "loses" | "expiry";
  readonly org: string;
  readonly environment: EnvironmentName;
  readonly role: Grant["role"];
  /** How the grant becomes access under its environment's layer: a member, a PIM active assignment or an eligibility. */
  readonly access: GrantKind;
  readonly upn: string;
  readonly name: string;
  readonly expires: string | null;
  /** For an expiry change: the expiry before. */
  readonly previousExpires?: string | null;
  /** Days from today through the last valid day (0: ends tonight); null when the grant has no end. */
  readonly daysLeft: number | null;
  readonly ticket: string | null;
  readonly reason: string | null;
  /** For a removal: the grant had already expired (access ended on that date; this only cleans up). */
  readonly alreadyExpired: boolean;
}

export interface AccessDiff {
  readonly changes: readonly GrantChange[];
  readonly addedOwners: readonly Owner[];
  readonly removedOwners: readonly Owner[];
  readonly termsChanges: readonly { readonly org: string; readonly before?: TermsOfUse; readonly after?: TermsOfUse }[];
  readonly guard: readonly string[];
  /** Files that could not be read as valid owner files on either side: their changes are not shown. */
  readonly invalidFiles: readonly string[];
}

type Layers = Partial<Record<EnvironmentName, EnvironmentLayer>>;

function owners(
  sources: FleetSources,
  today: IsoDate,
): { byOrg: Map<string, Owner>; invalid: string[]; layers: Layers } {
  const { fleet, problems } = validatedFleet(sources, today);
  const byOrg = new Map(fleet.owners.map(({ owner }) => [owner.org, owner]));
  const valid = new Set(fleet.owners.map(({ file }) => file));
  const invalid = [...new Set(problems.map((problem) => problem.file))].filter(
    (file) => file.startsWith(`${STACKS_DIR}/`) && !valid.has(file),
  );
  return { byOrg, invalid, layers: fleet.layers };
}

/** A grant's access kind under a layer; without a readable layer, what it would be in the `membership` model. */
function accessOf(grant: Grant, layers: Layers): GrantKind {
  const layer = layers[grant.environment];
  return layer ? grantKind(accessPolicy(layer), grant) : "member";
}

const keyOf = (grant: Grant) => `${grant.environment}|${grant.role}|${grant.user}`;

interface Side {
  readonly owner: Owner | undefined;
  readonly layers: Layers;
}

function grantChanges(org: string, before: Side, after: Side, today: IsoDate): GrantChange[] {
  const names = new Map(
    [...(before.owner?.users ?? []), ...(after.owner?.users ?? [])].map((user) => [user.upn, user.name]),
  );
  const change = (kind: GrantChange["kind"], grant: Grant, previous?: Grant): GrantChange => ({
    kind,
    org,
    environment: grant.environment,
    role: grant.role,
    // A removed grant is described as it was; a new or changed one as it will be.
    access: accessOf(grant, (kind === "loses" ? before : after).layers),
    upn: grant.user,
    name: names.get(grant.user) ?? "",
    expires: grant.expires ?? null,
    ...(previous ? { previousExpires: previous.expires ?? null } : {}),
    daysLeft: grant.expires ? daysBetween(today, grant.expires) : null,
    ticket: grant.ticket ?? null,
    reason: grant.reason ?? null,
    alreadyExpired: kind === "loses" && hasExpired(grant.expires, today),
  });
  const beforeGrants = new Map((before.owner?.access ?? []).map((grant) => [keyOf(grant), grant]));
  const afterGrants = new Map((after.owner?.access ?? []).map((grant) => [keyOf(grant), grant]));
  return [
    ...[...afterGrants].flatMap(([key, grant]) => {
      const previous = beforeGrants.get(key);
      if (!previous) return [change("gains", grant)];
      return previous.expires !== grant.expires ? [change("expiry", grant, previous)] : [];
    }),
    ...[...beforeGrants].filter(([key]) => !afterGrants.has(key)).map(([, grant]) => change("loses", grant)),
  ];
}

/** Reasons this change may not merge without the override: large removals, or prod left without Operations. */
function guardFindings(org: string, before: Owner | undefined, after: Owner | undefined, today: IsoDate): string[] {
  if (!before) return [];
  const active = (owner: Owner | undefined) =>
    (owner?.access ?? []).filter((grant) => !hasExpired(grant.expires, today));
  // A grant kept but ending within days is a removal all the same, only deferred (unless it was ending that soon anyway).
  const endsSoon = (grant: Grant | undefined) =>
    grant?.expires !== undefined && daysBetween(today, grant.expires) <= DEFERRED_REMOVAL_DAYS;
  const beforeByKey = new Map(active(before).map((grant) => [keyOf(grant), grant]));
  const deferred = active(after).filter(
    (grant) => endsSoon(grant) && beforeByKey.has(keyOf(grant)) && !endsSoon(beforeByKey.get(keyOf(grant))),
  );
  const kept = active(after).filter((grant) => !deferred.includes(grant));
  const keptKeys = new Set(kept.map(keyOf));
  const removed = active(before).filter((grant) => !keptKeys.has(keyOf(grant)));
  const findings: string[] = [];
  const total = active(before).length;
  if (total > 0 && removed.length / total > REMOVAL_GUARD_SHARE) {
    const deferredNote = deferred.length
      ? `, ${deferred.length} of them by an expiry moved to within ${DEFERRED_REMOVAL_DAYS} days`
      : "";
    findings.push(
      `${org} loses ${removed.length} of its ${total} active grants${deferredNote} (${Math.round((removed.length / total) * 100)} % > ${REMOVAL_GUARD_SHARE * 100} %)`,
    );
  }
  const isProdOperations = (grant: Grant) => grant.environment === "prod" && grant.role === "operations";
  if (active(before).some(isProdOperations) && !kept.some(isProdOperations)) {
    findings.push(`${org} would have no Operations member left in prod`);
  }
  return findings;
}

/** Who gains and loses which role between two versions of the fleet, and whether the removal guard trips. */
export function diffAccess(base: FleetSources, head: FleetSources, today: IsoDate): AccessDiff {
  const before = owners(base, today);
  const after = owners(head, today);
  const orgs = [...new Set([...before.byOrg.keys(), ...after.byOrg.keys()])].sort();
  const invalidFiles = [...after.invalid].sort();
  const isInvalidNow = (org: string) => invalidFiles.includes(ownerFilePath(org));
  const comparable = orgs.filter((org) => !isInvalidNow(org));
  return {
    changes: comparable.flatMap((org) =>
      grantChanges(
        org,
        { owner: before.byOrg.get(org), layers: before.layers },
        { owner: after.byOrg.get(org), layers: after.layers },
        today,
      ),
    ),
    addedOwners: comparable.filter((org) => !before.byOrg.has(org)).flatMap((org) => after.byOrg.get(org) ?? []),
    removedOwners: comparable.filter((org) => !after.byOrg.has(org)).flatMap((org) => before.byOrg.get(org) ?? []),
    termsChanges: comparable.flatMap((org) => {
      const termsBefore = before.byOrg.get(org)?.termsOfUse;
      const termsAfter = after.byOrg.get(org)?.termsOfUse;
      if (JSON.stringify(termsBefore) === JSON.stringify(termsAfter) || !before.byOrg.has(org) || !after.byOrg.has(org))
        return [];
      return [{ org, ...(termsBefore ? { before: termsBefore } : {}), ...(termsAfter ? { after: termsAfter } : {}) }];
    }),
    guard: comparable.flatMap((org) => guardFindings(org, before.byOrg.get(org), after.byOrg.get(org), today)),
    invalidFiles,
  };
}

const ROLE_TITLES: Record<Grant["role"], string> = { developer: "Developer", operations: "Operations" };
/** The words of infra/model/access.ts's kinds as a reviewer knows them from Entra ID. */
export const ACCESS_TITLES: Record<GrantKind, string> = {
  member: "member",
  assignment: "PIM active",
  eligibility: "PIM eligible (just-in-time)",
};
const KIND_TITLES: Record<GrantChange["kind"], string> = { gains: "➕ gains", loses: "➖ loses", expiry: "✏️ expiry" };

/** How long the grant still runs after this change: `212 days`, `ends tonight`, `no end`, `ended`. */
function lifetime(change: GrantChange): string {
  if (change.daysLeft === null) return "no end";
  if (change.daysLeft < 0) return "ended";
  return change.daysLeft === 0 ? "ends tonight" : `${change.daysLeft} day(s)`;
}

function termsSummary(terms: TermsOfUse | undefined): string {
  if (!terms) return "none";
  const confirmations = [
    terms.riskAssessment,
    terms.privacyAssessment,
    terms.dataProcessingAgreement,
    terms.serviceLevelAgreement,
  ].filter(Boolean).length;
  return `version ${code(terms.version)}, accepted ${terms.acceptedAt} by ${text(terms.acceptedBy)}, ${confirmations}/4 confirmations`;
}

function expiryCell(change: GrantChange): string {
  if (change.kind === "expiry") return `${change.previousExpires ?? "never"} → ${change.expires ?? "never"}`;
  if (change.alreadyExpired) return `${change.expires ?? "never"} (already expired)`;
  return change.expires ?? "never";
}

/**
 * Markdown for one PR comment: prod first and marked; names and UPNs, never object ids; every value from an owner
 * file (names, tickets, reasons) through cli/markdown, so none of it can forge or hide part of the comment.
 */
export function formatAccessDiff(diff: AccessDiff, overridden: boolean): string {
  const lines = ["## Access changes", ""];
  const sections = [...new Set(diff.changes.map((change) => `${change.environment}|${change.org}`))].sort((a, b) => {
    const [environmentA = "", orgA = ""] = a.split("|");
    const [environmentB = "", orgB = ""] = b.split("|");
    return Number(environmentB === "prod") - Number(environmentA === "prod") || orgA.localeCompare(orgB);
  });
  if (sections.length === 0) lines.push("No role grants change.", "");
  for (const section of sections) {
    const [environment = "", org = ""] = section.split("|");
    lines.push(
      environment === "prod" ? `### 🔴 PROD · ${text(org)}` : `### tt02 · ${text(org)}`,
      "",
      ...table(
        ["change", "user", "name", "role", "access", "expires", "lifetime", "ticket", "reason"],
        diff.changes
          .filter((candidate) => candidate.environment === environment && candidate.org === org)
          .map((change) => [
            raw(KIND_TITLES[change.kind]),
            raw(code(change.upn)),
            change.name,
            ROLE_TITLES[change.role],
            raw(ACCESS_TITLES[change.access]),
            // Dates are YYYY-MM-DD by the schema, the rest this module's words: nothing in them acts as markdown.
            raw(expiryCell(change)),
            raw(lifetime(change)),
            change.ticket ?? "",
            change.reason ?? "",
          ]),
      ),
      "",
    );
  }
  if (diff.addedOwners.length + diff.removedOwners.length > 0) {
    lines.push("### Service owners", "");
    for (const owner of diff.addedOwners)
      lines.push(
        `- ➕ added: **${text(owner.org)}** (${text(owner.name.en)}), environments: ${text(Object.keys(owner.environments).join(", "))}`,
      );
    for (const owner of diff.removedOwners)
      lines.push(
        `- ➖ removed: **${text(owner.org)}** (${text(owner.name.en)}): its stacks would be left unmanaged; prod resources are protected`,
      );
    lines.push("");
  }
  if (diff.termsChanges.length > 0) {
    lines.push("### Terms of use", "");
    for (const change of diff.termsChanges)
      lines.push(`- **${text(change.org)}**: ${termsSummary(change.before)} → ${termsSummary(change.after)}`);
    lines.push("");
  }
  if (diff.invalidFiles.length > 0) {
    lines.push(
      "### Not compared",
      "",
      ...diff.invalidFiles.map((file) => `- ${code(file)} is invalid: see the validation problems`),
      "",
    );
  }
  if (diff.guard.length > 0) {
    lines.push(
      overridden ? "### Removal guard: overridden" : "### ⛔ Removal guard",
      "",
      ...diff.guard.map((finding) => `- ${text(finding)}`),
      "",
      overridden
        ? `Overridden with the \`${OVERRIDE_LABEL}\` label (or \`--allow-removals\`).`
        : `A reviewer who has checked this removal adds the \`${OVERRIDE_LABEL}\` label (locally: \`--allow-removals\`).`,
      "",
    );
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
