/** Set to show the stack of an unexpected error, for whoever debugs the tool itself. */
const DEBUG_VARIABLE = "ALTINN_APPS_DEBUG";

/**
 * Whether the tools run for someone debugging them: the CLI entry then prints stack traces, and the plan keeps them
 * in a program error's message. Process set-up, so both sides read it without the plan depending on the CLI.
 */
export const debugging = (): boolean => Boolean(process.env[DEBUG_VARIABLE]);
