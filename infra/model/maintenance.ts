import { z } from "zod";

const WEEK_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

/** A weekly window, as AKS planned maintenance takes it (at least 4 hours for the aksManaged* schedules). */
const weeklyWindowSchema = z
  .object({
    dayOfWeek: z.enum(WEEK_DAYS),
    startTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:mm"),
    durationHours: z.int().min(4).max(24),
    utcOffset: z.string().regex(/^[+-](0\d|1[0-4]):[0-5]\d$/, "must be like +01:00"),
  })
  .strict();
export type WeeklyWindow = z.output<typeof weeklyWindowSchema>;

/** When AKS may upgrade the cluster (Kubernetes patches) and the nodes' OS images. */
export const maintenanceSettingsSchema = z
  .object({ clusterUpgrade: weeklyWindowSchema, nodeOsUpgrade: weeklyWindowSchema })
  .strict();
export type MaintenanceSettings = z.output<typeof maintenanceSettingsSchema>;
