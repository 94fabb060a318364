import type { IsoDate } from "../infra/model/dates";

const NORWAY = "Europe/Oslo";

// A calendar date (an expiry, an acceptance) is a day, not an instant: it is shown as written, in no time zone.
const dayFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  day: "numeric",
  month: "short",
  year: "numeric",
});
const instantFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: NORWAY,
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
});
const norwegianDay = new Intl.DateTimeFormat("en-CA", { timeZone: NORWAY, dateStyle: "short" });
const monthFormat = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", month: "short", year: "numeric" });

export function formatDay(date: IsoDate): string {
  return dayFormat.format(new Date(`${date}T00:00:00Z`));
}

/** A commit or generation time in Norwegian time, e.g. "3 Feb 2025, 14:05 CET". */
export function formatInstant(instant: string | Date): string {
  return instantFormat.format(new Date(instant));
}

/** The calendar day an instant falls on in Norway. */
export function norwegianDate(instant: string | Date): IsoDate {
  return norwegianDay.format(new Date(instant)) as IsoDate;
}

export function formatMonth(date: IsoDate): string {
  return monthFormat.format(new Date(`${date}T00:00:00Z`));
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
