import { z } from "zod";
import type { IsoDate } from "./dates";
import { guidSchema, ROLES, type EnvironmentName, type RoleName } from "./schema";

/**
 * How grants become access, per environment layer. `pim`: Privileged Identity Management for Groups (Entra ID P2 or
 * ID Governance): every grant is a schedule that Entra ID itself ends at the end of its `expires` day. `membership`:
 * the group's members are exactly the active grants, and change only when the stack is deployed.
 */
export const ACCESS_MODELS = ["pim", "membership"] as const;
export type AccessModel = (typeof ACCESS_MODELS)[number];

const lifetimeSchema = z
  .object({
    /** A grant for this role must name the day it ends. */
    expiresRequired: z.boolean(),
    /** The latest `expires` allowed, counted in calendar months from today; absent: no limit. */
    maxMonths: z.int().min(1).max(60).optional(),
  })
  .strict();
export type GrantLifetime = z.output<typeof lifetimeSchema>;

/**
 * The activation durations azuread accepts: PT30M to PT23H30M in half hours, or P1D. The provider's validation is
 * this exact list (hashicorp/terraform-provider-azuread v3.8.0, the version @pulumi/azuread 6.9.1 wraps:
 * internal/services/policies/group_role_management_policy_resource.go lines 204-209, StringInSlice); the SDK's doc
 * says `PT1D`, which that list refuses.
 */
export const ACTIVATION_DURATIONS: readonly string[] = [
  "PT30M",
  ...Array.from({ length: 23 }, (_, index) => [`PT${index + 1}H`, `PT${index + 1}H30M`]).flat(),
  "P1D",
];

const justInTimeSchema = z
  .object({
    /** Roles granted as eligibility (activated on demand in PIM) rather than as an active membership. */
    roles: z.array(z.enum(ROLES)),
    /** Whether a grant may opt out with `standing: true`. */
    allowStanding: z.boolean(),
    activation: z
      .object({
        maximumDuration: z.string().refine((duration) => ACTIVATION_DURATIONS.includes(duration), {
          message: "must be PT30M to PT23H30M in half hours (PT1H, PT1H30M, …), or P1D",
        }),
        requireJustification: z.boolean(),
        requireMultifactorAuthentication: z.boolean(),
        requireApproval: z.boolean(),
        /** Whose members approve an activation; the platform admin group when absent. */
        approverGroupObjectId: guidSchema.optional(),
      })
      .strict(),
    /** Who is told of every activation, besides PIM's default recipients (the group's owners). */
    notify: z.array(z.email("must be an e-mail address")).default([]),
  })
  .strict();
export type JustInTime = z.output<typeof justInTimeSchema>;

/** The layer keys of this concern (`altinn-apps:<key>` in `Pulumi.<env>.yaml`); every one optional, see accessPolicy. */
export const accessSettingsShape = {
  accessModel: z.enum(ACCESS_MODELS).optional(),
  grantLifetime: z.object({ developer: lifetimeSchema, operations: lifetimeSchema }).strict().optional(),
  justInTime: justInTimeSchema.optional(),
  /**
   * Where the grants' `ticket`s live, e.g. the self-service portal's support cases. PIM records a ticket number only
   * with its system (azuread: ticket_number RequiredWith ticket_system), so a `pim` layer must name it.
   */
  ticketSystem: z.string().trim().min(1).max(100).optional(),
};

/** The owner-file field of this concern, on each grant. */
export const grantAccessShape = {
  /** Ask for an active membership where the layer would make the role just-in-time (only if it allows standing). */
  standing: z.boolean().optional(),
};

interface AccessLayer {
  readonly environment: EnvironmentName;
  readonly platformAdminGroupObjectId: string;
  readonly accessModel?: AccessModel | undefined;
  readonly grantLifetime?: Readonly<Record<RoleName, GrantLifetime>> | undefined;
  readonly justInTime?: JustInTime | undefined;
  readonly ticketSystem?: string | undefined;
}

/** A layer's access settings with the defaults applied. */
export interface AccessPolicy {
  readonly model: AccessModel;
  readonly lifetime: Readonly<Record<RoleName, GrantLifetime>>;
  /** Only in `pim`; never when the layer names no just-in-time roles. */
  readonly justInTime: (JustInTime & { readonly approverGroupObjectId: string }) | undefined;
  /** Where grants' tickets live; validation requires it of every `pim` layer. */
  readonly ticketSystem: string | undefined;
}

/** Without settings: prod grants end within 12 months; tt02 grants may be open-ended. */
export const DEFAULT_LIFETIME: Readonly<Record<EnvironmentName, GrantLifetime>> = {
  prod: { expiresRequired: true, maxMonths: 12 },
  tt02: { expiresRequired: false },
};

export function accessPolicy(layer: AccessLayer): AccessPolicy {
  const model = layer.accessModel ?? "membership";
  const fallback = DEFAULT_LIFETIME[layer.environment];
  const justInTime =
    model === "pim" && layer.justInTime && layer.justInTime.roles.length > 0 ? layer.justInTime : undefined;
  return {
    model,
    lifetime: layer.grantLifetime ?? { developer: fallback, operations: fallback },
    justInTime: justInTime && {
      ...justInTime,
      approverGroupObjectId: justInTime.activation.approverGroupObjectId ?? layer.platformAdminGroupObjectId,
    },
    ticketSystem: layer.ticketSystem,
  };
}

/** How one grant becomes access under a layer's policy. */
export type GrantKind = "member" | "assignment" | "eligibility";

export function grantKind(policy: AccessPolicy, grant: { role: RoleName; standing?: boolean | undefined }): GrantKind {
  if (policy.model === "membership") return "member";
  const justInTime = policy.justInTime?.roles.includes(grant.role) ?? false;
  const standing = grant.standing === true && policy.justInTime?.allowStanding === true;
  return justInTime && !standing ? "eligibility" : "assignment";
}

/** Whether every grant of `role` must be an eligibility: just-in-time, and no grant may opt for standing access. */
export function onlyJustInTime(policy: AccessPolicy, role: RoleName): boolean {
  return (policy.justInTime?.roles.includes(role) ?? false) && !policy.justInTime?.allowStanding;
}

/** `today` plus whole calendar months; a day the month lacks becomes its last day (2027-01-31 + 1 → 2027-02-28). */
export function addMonths(today: IsoDate, months: number): IsoDate {
  const [year, month, day] = today.split("-").map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10) as IsoDate;
}

/** The latest `expires` a grant may have today under `lifetime`, or undefined when there is no limit. */
export function latestAllowedExpiry(lifetime: GrantLifetime, today: IsoDate): IsoDate | undefined {
  return lifetime.maxMonths === undefined ? undefined : addMonths(today, lifetime.maxMonths);
}

export const ACCESS_TIME_ZONE = "Europe/Oslo";

/** Made on first use: loading the time zone data costs every command that never needs it about 40 ms. */
let offsetFormat: Intl.DateTimeFormat | undefined;

/** Oslo's offset from UTC at an instant, in milliseconds (+1 h in winter, +2 h in summer). */
function osloOffset(instant: number): number {
  offsetFormat ??= new Intl.DateTimeFormat("en-US", { timeZone: ACCESS_TIME_ZONE, timeZoneName: "longOffset" });
  const name = offsetFormat.formatToParts(instant).find((part) => part.type === "timeZoneName")?.value ?? "GMT";
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  const [, sign, hours, minutes] = match;
  return (sign === "-" ? -1 : 1) * (Number(hours) * 60 + Number(minutes)) * 60_000;
}

/**
 * The instant a grant that `expires` on a day ends: midnight after that day in Norwegian time, as an RFC 3339 UTC
 * timestamp (what PIM's `expirationDate` takes). 2027-06-30 → 2027-06-30T22:00:00Z (summer), 2027-01-31 →
 * 2027-01-31T23:00:00Z (winter). Norway changes clocks at 01:00 UTC, never at midnight, so the offset is unambiguous.
 */
export function endOfDayInOslo(expires: IsoDate): string {
  const [year, month, day] = expires.split("-").map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(year, month - 1, day + 1);
  const instant = midnightUtc - osloOffset(midnightUtc - osloOffset(midnightUtc));
  return new Date(instant).toISOString().replace(".000Z", "Z");
}

/**
 * How close to its end a PIM schedule is no longer created or kept by a deploy: one hour. Graph refuses a schedule
 * that ends in the past (the provider means to refuse one ending within 5 minutes, but its check reads a field that
 * does not exist: privileged_access_group_schedule.go line 167 `HasChange("expiry_date")`), and a deploy that
 * starts before a schedule's end may reach its delete only after the end, when Graph refuses the removal
 * (azuread #1445). The hour covers both: a grant is never created with less than an hour left, and a schedule with
 * less than an hour left is treated as ended (Entra ID ends it itself). Documented in docs/design/entra-pim-decisions.md.
 */
export const SCHEDULE_END_MARGIN_MS = 60 * 60_000;

/** Whether a schedule ending at `endsAt` (RFC 3339; absent: never) is still one a deploy creates and keeps. */
export function scheduleIsLive(endsAt: string | undefined, now: number): boolean {
  return endsAt === undefined || Date.parse(endsAt) > now + SCHEDULE_END_MARGIN_MS;
}

/** The instant an offline plan for `today` stands for: the start of that UTC day (so a plan is the same all day). */
export function startOfDay(today: IsoDate): number {
  return Date.parse(`${today}T00:00:00Z`);
}

/** One grant as a PIM schedule on its role's group. */
export interface PimSchedule {
  readonly user: string;
  readonly kind: "assignment" | "eligibility";
  /** PIM's expirationDate (midnight after `expires`, Oslo time, in UTC); absent for a permanent schedule. */
  readonly endsAt?: string;
  /** What PIM shows as the reason: the owner file, the ticket and the grant's reason. */
  readonly justification: string;
  readonly ticket?: { readonly number: string; readonly system: string };
}

interface ScheduleGrant {
  readonly user: string;
  readonly role: RoleName;
  readonly expires?: IsoDate | undefined;
  readonly ticket?: string | undefined;
  readonly reason?: string | undefined;
  readonly standing?: boolean | undefined;
}

/**
 * The schedules a deploy at `now` keeps for one role's grants under a `pim` policy: a grant whose schedule has
 * ended (or ends within SCHEDULE_END_MARGIN_MS) has none, whatever `today` says.
 */
export function pimSchedules(
  grants: readonly ScheduleGrant[],
  policy: AccessPolicy,
  { ownerFile, now }: { readonly ownerFile: string; readonly now: number },
): PimSchedule[] {
  const { ticketSystem } = policy;
  return grants.flatMap((grant) => {
    const kind = grantKind(policy, grant);
    if (kind === "member") return [];
    const endsAt = grant.expires && endOfDayInOslo(grant.expires);
    if (!scheduleIsLive(endsAt, now)) return [];
    return [
      {
        user: grant.user,
        kind,
        ...(endsAt ? { endsAt } : {}),
        justification: [ownerFile, grant.ticket, grant.reason].filter(Boolean).join(": "),
        ...(grant.ticket && ticketSystem ? { ticket: { number: grant.ticket, system: ticketSystem } } : {}),
      },
    ];
  });
}
