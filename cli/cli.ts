import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { isIsoDate, todayUtc, type IsoDate } from "../infra/model/dates";
import { ValidationError } from "../infra/model/problem";
import { debugging } from "../runtime/debugging";

/** Exit codes shared by every CLI here: 0 ok, 1 the input or the plan is bad, 2 the command line is wrong. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

/** What each exit code means for one command: part of its definition, so `--help` and docs/reference/cli.md agree. */
export interface ExitCodeMeanings {
  readonly ok: string;
  readonly invalid: string;
  readonly usage: string;
}

const EXIT_CODE_MEANINGS = new WeakMap<Command, ExitCodeMeanings>();

/** A command's definition with what its exit codes mean, shown by `--help` after the options. */
export function withExitCodes(command: Command, meanings: ExitCodeMeanings): Command {
  EXIT_CODE_MEANINGS.set(command, meanings);
  return command.addHelpText(
    "after",
    `\nExit codes:\n  ${EXIT.ok}  ${meanings.ok}\n  ${EXIT.invalid}  ${meanings.invalid}\n  ${EXIT.usage}  ${meanings.usage}`,
  );
}

export function exitCodesOf(command: Command): ExitCodeMeanings {
  const meanings = EXIT_CODE_MEANINGS.get(command);
  if (!meanings) throw new Error(`${command.name()}: its definition does not say what its exit codes mean`);
  return meanings;
}

/** A wrong command line (a ref that is no commit, an unknown stack): exit 2. Anything else thrown exits 1. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * A reader that closed its end (`npm run plan | head`) makes the next write fail with EPIPE, which Node raises as an
 * uncaught error with a stack trace. Nothing more can reach that reader: the rest of the output is dropped quietly,
 * and the command still ends with its own exit code. Called once by scripts/run.mjs, which owns the process.
 */
export function dropOutputToClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "ERR_STREAM_DESTROYED") throw error;
    });
  }
}

export type Main = (argv: readonly string[]) => number | Promise<number>;

/** kebab-case as on the command line: `accessDiff` → `access-diff`. */
function commandName(script: string): string {
  return script.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

function describe(error: unknown): string {
  if (error instanceof ValidationError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join("; ");
}

/**
 * The one way every CLI runs (scripts/run.mjs, and the tests in-process): whatever `main` throws becomes one clear
 * message on stderr and exit 1 (invalid input) or 2 (usage), never a stack trace unless ALTINN_APPS_DEBUG is set.
 */
export async function runCli(script: string, main: Main, argv: readonly string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (error) {
    process.stderr.write(`${commandName(script)}: ${describe(error)}\n`);
    if (debugging() && error instanceof Error) process.stderr.write(`${error.stack ?? ""}\n`);
    return error instanceof UsageError ? EXIT.usage : EXIT.invalid;
  }
}

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

/** A whole number in [min, max], written in plain decimal digits (not `1e3`, `0x10` or `12abc`). */
export function integerOption(flags: string, description: string, min: number, max: number): Option {
  return new Option(flags, description).argParser((value: string) => {
    const number = /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
    if (!(number >= min && number <= max))
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return number;
  });
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
