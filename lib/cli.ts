import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { isIsoDate, todayUtc, type IsoDate } from "../infra/model";
import { assertCommit } from "./git";

/** Exit codes shared by every CLI here: 0 ok, 1 the input or the plan is bad, 2 the command line is wrong. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

export function parseTodayOption(value: string): IsoDate {
  if (!isIsoDate(value)) throw new InvalidArgumentError("expected a date written YYYY-MM-DD");
  return value;
}

export function todayOption(): Option {
  return new Option("--today <date>", "evaluate expiry as of this date (YYYY-MM-DD)")
    .argParser(parseTodayOption)
    .default(todayUtc(), "today (UTC)");
}

export function formatOption(formats: readonly string[], fallback: string): Option {
  return new Option("--format <format>", "output format").choices(formats).default(fallback);
}

/**
 * Parse argv with commander, turning its exits into return values so a CLI is testable in-process and a usage
 * error always exits 2 (commander's own default is 1, which here means "invalid input").
 */
export function parseCommandLine<T>(
  command: Command,
  argv: readonly string[],
): { options: T; args: string[] } | { exitCode: number } {
  command.exitOverride();
  try {
    command.parse([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      const helpShown = error.code === "commander.helpDisplayed" || error.code === "commander.version";
      return { exitCode: helpShown ? EXIT.ok : EXIT.usage };
    }
    throw error;
  }
  return { options: command.opts<T & Record<string, unknown>>(), args: command.args };
}

/** Why `ref` cannot be the base of a comparison in `root` (a usage error), or undefined when it is a commit. */
export function baseRefError(root: string, ref: string): string | undefined {
  try {
    assertCommit(root, ref);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
