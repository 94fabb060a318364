import { z } from "zod";

/** A calendar date `YYYY-MM-DD`. Dates in this project are days, compared as strings, never as instants. */
export type IsoDate = string & { readonly __brand: "IsoDate" };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(text: string): text is IsoDate {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export const isoDateSchema = z
  .string()
  .refine(isIsoDate, { message: "must be a date written YYYY-MM-DD" })
  .transform((text) => text as IsoDate);

export function parseIsoDate(text: string): IsoDate {
  if (!isIsoDate(text)) throw new Error(`"${text}" is not a date written YYYY-MM-DD`);
  return text;
}

/** Today in UTC: the same answer on a laptop in Oslo and a CI runner elsewhere. */
export function todayUtc(now: Date = new Date()): IsoDate {
  return now.toISOString().slice(0, 10) as IsoDate;
}

/** A grant that expires on a day is still valid through that day. */
export function hasExpired(expires: IsoDate | undefined, today: IsoDate): boolean {
  return expires !== undefined && expires < today;
}

const DAY_MS = 86_400_000;

/** Whole days from one date to another: negative when `to` is earlier. */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function isAfter(date: IsoDate, today: IsoDate): boolean {
  return date > today;
}
