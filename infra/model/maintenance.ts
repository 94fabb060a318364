import { z } from "zod";
import type { IsoDate } from "./dates";

const WEEK_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

/**
 * The zones a window may follow. AKS takes a fixed `utcOffset` only (MaintenanceWindow in
 * Microsoft.ContainerService/aks/stable/2025-09-01/managedClusters.json, the API version @pulumi/azure-native 3.28
 * uses: "The UTC offset in format +/-HH:mm"); it knows no time zone, so a fixed `+01:00` is an hour later in Oslo
 * all summer. With `timeZone` the program sends the zone's offset on the day it deploys (utcOffsetOn).
 */
const TIME_ZONES = ["Europe/Oslo"] as const;

/** A weekly window, as AKS planned maintenance takes it (at least 4 hours for the aksManaged* schedules). */
const weeklyWindowSchema = z
  .object({
    dayOfWeek: z.enum(WEEK_DAYS),
    /** Local time in `timeZone`, or at `utcOffset`. */
    startTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:mm"),
    durationHours: z.int().min(4).max(24),
    /** A fixed offset all year (no summer time). Give this or timeZone. */
    utcOffset: z
      .string()
      .regex(/^[+-](0\d|1[0-4]):[0-5]\d$/, "must be like +01:00")
      .optional(),
    /** The window follows this zone's clock, summer time included. Give this or utcOffset. */
    timeZone: z.enum(TIME_ZONES).optional(),
  })
  .strict()
  .refine((window) => (window.utcOffset === undefined) !== (window.timeZone === undefined), {
    message: "give either timeZone (follows summer time) or utcOffset (fixed all year), not both or neither",
  });
export type WeeklyWindow = z.output<typeof weeklyWindowSchema>;

/** When AKS may upgrade the cluster (Kubernetes patches) and the nodes' OS images. */
export const maintenanceSettingsSchema = z
  .object({ clusterUpgrade: weeklyWindowSchema, nodeOsUpgrade: weeklyWindowSchema })
  .strict();
export type MaintenanceSettings = z.output<typeof maintenanceSettingsSchema>;

/** A zone's offset from UTC at noon UTC on a day, as AKS writes it: `+01:00` in Oslo's winter, `+02:00` in summer. */
export function utcOffsetOn(timeZone: string, day: IsoDate): string {
  const format = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
  const name = format.formatToParts(new Date(`${day}T12:00:00Z`)).find((part) => part.type === "timeZoneName");
  const match = /GMT([+-]\d{2}:\d{2})/.exec(name?.value ?? "");
  return match?.[1] ?? "+00:00";
}

/** The offset AKS gets for a window deployed on `day`. */
export function windowUtcOffset(window: WeeklyWindow, day: IsoDate): string {
  return window.timeZone ? utcOffsetOn(window.timeZone, day) : (window.utcOffset ?? "+00:00");
}
