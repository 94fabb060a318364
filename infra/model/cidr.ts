import { z } from "zod";

/**
 * IPv4 ranges as numbers, so that allow-lists are judged by the addresses they admit, not by how they are spelt:
 * `0.0.0.0/1` + `128.0.0.0/1` is the whole internet as surely as `0.0.0.0/0`.
 */

const ADDRESS_COUNT = 2 ** 32;

/** The widest prefix an allow-list may admit unless an environment layer narrows it. */
export const DEFAULT_WIDEST_PREFIX = 16;

export interface Ipv4Range {
  /** First and last address, as unsigned 32-bit numbers. */
  readonly first: number;
  readonly last: number;
  readonly prefix: number;
}

const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4_RANGE = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}(?:/(3[0-2]|[12]?\\d))?$`);

/** `10.1.0.0/16` or a single address `10.1.2.3` (= /32); anything else, or host bits set, is an error message. */
export function parseIpv4Range(text: string): Ipv4Range | { readonly error: string } {
  const match = IPV4_RANGE.exec(text);
  if (!match) return { error: `"${text}" is not an IPv4 address or CIDR range like 192.0.2.0/24` };
  const [a, b, c, d] = match.slice(1, 5).map(Number) as [number, number, number, number];
  const address = ((a * 256 + b) * 256 + c) * 256 + d;
  const prefix = match[5] === undefined ? 32 : Number(match[5]);
  const size = 2 ** (32 - prefix);
  const first = address - (address % size);
  if (first !== address) {
    return { error: `"${text}" has host bits set: the network is ${formatAddress(first)}/${prefix}` };
  }
  return { first, last: first + size - 1, prefix };
}

export function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** The smallest set of CIDR blocks covering exactly [first, last]. */
function blocksOf(first: number, last: number): Ipv4Range[] {
  const blocks: Ipv4Range[] = [];
  for (let start = first; start <= last;) {
    let prefix = 0;
    while (start % 2 ** (32 - prefix) !== 0 || start + 2 ** (32 - prefix) - 1 > last) prefix++;
    const end = start + 2 ** (32 - prefix) - 1;
    blocks.push({ first: start, last: end, prefix });
    start = end + 1;
  }
  return blocks;
}

/** The union of `ranges` as sorted, disjoint, non-adjacent intervals. */
function mergeRanges(ranges: readonly Ipv4Range[]): { first: number; last: number }[] {
  const sorted = [...ranges].sort((x, y) => x.first - y.first);
  const merged: { first: number; last: number }[] = [];
  for (const range of sorted) {
    const previous = merged.at(-1);
    if (previous && range.first <= previous.last + 1) previous.last = Math.max(previous.last, range.last);
    else merged.push({ first: range.first, last: range.last });
  }
  return merged;
}

/**
 * What is wrong with an allow-list as a whole: the internet, or any block wider than /`widestPrefix`, inside the
 * union of its ranges (however many narrower ranges it is split into). Empty when the list is acceptable.
 */
export function allowListProblems(ranges: readonly Ipv4Range[], widestPrefix: number): string[] {
  const union = mergeRanges(ranges);
  const covered = union.reduce((total, interval) => total + interval.last - interval.first + 1, 0);
  if (covered === ADDRESS_COUNT) return ["together the ranges admit every IPv4 address: the whole internet"];
  return union.flatMap((interval) => {
    const widest = blocksOf(interval.first, interval.last).reduce((a, b) => (b.prefix < a.prefix ? b : a));
    return widest.prefix < widestPrefix
      ? [
          `together the ranges admit ${formatAddress(widest.first)}/${widest.prefix}, wider than the allowed /${widestPrefix}` +
            ` (${formatAddress(interval.first)}-${formatAddress(interval.last)})`,
        ]
      : [];
  });
}

/** One IPv4 address or CIDR range in a layer, parsed; host bits set and unparseable text are refused. */
export const ipv4RangeSchema = z.string().transform((text, context) => {
  const parsed = parseIpv4Range(text);
  if ("error" in parsed) {
    context.addIssue({ code: "custom", message: parsed.error });
    return z.NEVER;
  }
  return text;
});

/** The problems of an allow-list given as text: each range's own, then the union's. */
export function allowListTextProblems(texts: readonly string[], widestPrefix = DEFAULT_WIDEST_PREFIX): string[] {
  const parsed = texts.map(parseIpv4Range);
  const errors = parsed.flatMap((range) => ("error" in range ? [range.error] : []));
  const ranges = parsed.filter((range): range is Ipv4Range => !("error" in range));
  return [...errors, ...allowListProblems(ranges, widestPrefix)];
}
