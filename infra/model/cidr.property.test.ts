import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allowListProblems, allowListTextProblems, formatAddress, parseIpv4Range, type Ipv4Range } from "./cidr";

/**
 * An independent oracle. CIDR blocks are laminar (two are either disjoint or nested), so after dropping every block
 * that lies inside another, the rest are disjoint, and an aligned block is covered exactly when one of them contains
 * it or the ones inside it add up to its size.
 */
function maximal(ranges: readonly Ipv4Range[]): Ipv4Range[] {
  return ranges.filter(
    (range, index) =>
      !ranges.some(
        (other, otherIndex) =>
          other.first <= range.first && range.last <= other.last && (other.prefix < range.prefix || otherIndex < index),
      ),
  );
}

function blockCovered(blocks: readonly Ipv4Range[], first: number, prefix: number): boolean {
  const size = 2 ** (32 - prefix);
  const last = first + size - 1;
  if (blocks.some((block) => block.first <= first && last <= block.last)) return true;
  const inside = blocks.filter((block) => first <= block.first && block.last <= last);
  return inside.reduce((total, block) => total + block.last - block.first + 1, 0) === size;
}

/** The widest prefix of an aligned block inside the union, or undefined when the union is empty. */
function widestCoveredPrefix(ranges: readonly Ipv4Range[]): number | undefined {
  const blocks = maximal(ranges);
  for (let prefix = 0; prefix <= 32; prefix++) {
    const size = 2 ** (32 - prefix);
    for (const block of blocks) {
      if (block.prefix <= prefix) return prefix;
      if (blockCovered(blocks, block.first - (block.first % size), prefix)) return prefix;
    }
  }
  return undefined;
}

/** Ranges clustered in a few regions, so unions of neighbours (the disguise) happen often. */
const range = fc
  .record({
    region: fc.constantFrom(0, 10, 127, 128, 192, 255),
    offset: fc.integer({ min: 0, max: 2 ** 24 - 1 }),
    prefix: fc.oneof(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 12, max: 20 })),
  })
  .map(({ region, offset, prefix }): Ipv4Range => {
    const address = region * 2 ** 24 + offset;
    const size = 2 ** (32 - prefix);
    const first = address - (address % size);
    return { first, last: first + size - 1, prefix };
  });

/** A partition of the whole address space into CIDR blocks: the internet, in disguise. */
const partition: fc.Arbitrary<Ipv4Range[]> = fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }).map((splits) => {
  const blocks: Ipv4Range[] = [];
  let index = 0;
  const split = (first: number, prefix: number): void => {
    const size = 2 ** (32 - prefix);
    if (prefix < 24 && (prefix === 0 || splits[index++ % splits.length])) {
      split(first, prefix + 1);
      split(first + size / 2, prefix + 1);
    } else blocks.push({ first, last: first + size - 1, prefix });
  };
  split(0, 0);
  return blocks;
});

const text = (range: Ipv4Range) => `${formatAddress(range.first)}/${range.prefix}`;

describe("allow-lists are judged by the addresses they admit", () => {
  it("agrees with the oracle on the widest block inside the union, for any set of ranges and limit", () => {
    fc.assert(
      fc.property(fc.array(range, { maxLength: 12 }), fc.integer({ min: 1, max: 32 }), (ranges, limit) => {
        const problems = allowListProblems(ranges, limit);
        const widest = widestCoveredPrefix(ranges);
        if (widest === undefined || widest >= limit) {
          expect(problems).toEqual([]);
        } else if (widest === 0) {
          expect(problems).toEqual(["together the ranges admit every IPv4 address: the whole internet"]);
        } else {
          const reported = problems.map((problem) => Number(/\/(\d+), wider/.exec(problem)?.[1]));
          expect(Math.min(...reported)).toBe(widest);
          expect(reported.every((prefix) => prefix < limit)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("finds the whole internet however it is split, and not once one block is missing", () => {
    fc.assert(
      fc.property(partition, fc.nat(), (blocks, drop) => {
        expect(allowListTextProblems(blocks.map(text))).toEqual([
          "together the ranges admit every IPv4 address: the whole internet",
        ]);
        const rest = blocks.filter((_, index) => index !== drop % blocks.length);
        expect(allowListProblems(rest, 32)[0]).not.toMatch(/whole internet/);
      }),
      { numRuns: 50 },
    );
  });

  it("parses what it prints, and refuses host bits and malformed text without throwing", () => {
    fc.assert(
      fc.property(range, fc.integer({ min: 1, max: 2 ** 32 - 1 }), (block, noise) => {
        expect(parseIpv4Range(text(block))).toEqual(block);
        const inside = block.first + (noise % (block.last - block.first + 1));
        const parsed = parseIpv4Range(`${formatAddress(inside)}/${block.prefix}`);
        if (inside === block.first) expect(parsed).toEqual(block);
        else expect(parsed).toEqual({ error: expect.stringMatching(/has host bits set/) });
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 30 }), (value) => {
        const parsed = parseIpv4Range(value);
        if (!("error" in parsed)) expect(formatAddress(parsed.first)).toBe(value.split("/")[0]);
      }),
    );
  });
});
