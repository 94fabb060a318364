/**
 * The repository's rooms (folders by domain) and the arrows between them: which room's code may import which. The
 * one source of truth for docs/design/architecture.md's table (`npm run docs`) and for the test that fails when a
 * folder imports one it should not (tooling/rooms.test.ts). A file belongs to the room with the longest matching
 * folder; tests (`*.test.ts`) and test fixtures (`policies/testing/`) are exempt: they exercise whatever they test.
 */
export interface Room {
  /** The folder, from the repository root. */
  readonly folder: string;
  readonly holds: string;
  /** The rooms this room's code may import (besides itself). */
  readonly mayImport: readonly string[];
  /** Its code touches no file system and starts no process (PURE_FORBIDDEN), so any input can be handed to it. */
  readonly pure?: true;
}

/** The modules a pure room's code may not import: the file system and child processes. */
export const PURE_FORBIDDEN: readonly string[] = [
  "fs",
  "node:fs",
  "fs/promises",
  "node:fs/promises",
  "child_process",
  "node:child_process",
];

export const ROOMS: readonly Room[] = [
  {
    folder: "runtime",
    holds: "process set-up for every tool: the deferred closure serializer, the debug switch, cleanup on signals",
    mayImport: [],
  },
  {
    folder: "infra/model",
    holds:
      "the owner and layer schemas (zod), the YAML loader with positions, the rules across files, what may be an " +
      "input file: pure data and functions, no file system (the fleet comes in as FleetSources)",
    mayImport: [],
    pure: true,
  },
  {
    folder: "files",
    holds:
      "the file system, bounded and atomic: the repository root, the fleet read from disk (stacks/ and the layers), " +
      "the one bounded reader of input files, the one atomic file writer and output-folder claim every tool uses",
    mayImport: ["infra/model"],
  },
  {
    folder: "infra",
    holds: "the Pulumi program: naming, roles, components, change rules, the entry (infra/index.ts)",
    mayImport: ["files", "infra/model"],
  },
  {
    folder: "policies",
    holds: "the CrossGuard pack: one policy per file, the list, the registry config, the in-process runner",
    mayImport: ["infra", "infra/model"],
  },
  {
    folder: "cli",
    holds: "CLI plumbing: one entry owning parsing and exit codes, markdown escaping",
    mayImport: ["infra/model", "runtime"],
  },
  {
    folder: "repository",
    holds: "reading the repository: its root, git (refs, worktrees, files at a commit), the validated-fleet memo",
    mayImport: ["cli", "files", "infra/model"],
  },
  {
    folder: "plan/semantics",
    holds: "what a plan means, in one process: evaluation under mocks, the stack plan and its policies, the diff",
    mayImport: ["files", "infra", "infra/model", "policies", "runtime"],
  },
  {
    folder: "plan/engine",
    holds: "how plans are made fast: cache, base worktree, worker pool, selection; compare.ts is its front door",
    mayImport: ["files", "infra/model", "plan/semantics", "repository", "runtime"],
  },
  {
    folder: "plan",
    holds: "the plan's output (format.ts, diffFormat.ts) and the planning options every planning command shares",
    mayImport: ["cli", "infra/model", "plan/engine", "plan/semantics", "policies", "repository"],
  },
  {
    folder: "access",
    holds: "access diff, expiring grants, expired-grant removal",
    mayImport: ["cli", "files", "infra/model", "repository"],
  },
  {
    folder: "report",
    holds: "the access report: model, git history, HTML pages",
    mayImport: ["files", "infra", "infra/model"],
  },
  { folder: "onboarding", holds: "a new owner's file and the owner JSON Schema", mayImport: ["files", "infra/model"] },
  {
    folder: "validation",
    holds: "the validate command's checks over the repository",
    mayImport: ["files", "infra/model", "repository"],
  },
  {
    folder: "review",
    holds: "the pull request comment: validation, access diff and plan diff together",
    mayImport: ["access", "cli", "files", "infra/model", "plan", "plan/engine", "repository", "validation"],
  },
  {
    folder: "tooling",
    holds: "workflow lint, generated docs, the policy pack build, these rooms",
    mayImport: [
      "cli",
      "files",
      "infra",
      "infra/model",
      "onboarding",
      "plan",
      "plan/engine",
      "plan/semantics",
      "policies",
      "review",
    ],
  },
  {
    folder: "contracts",
    holds:
      "the provider contracts' generator: readers of the API specs, azure-native's replacement table, the SDK's " +
      "declarations and the Terraform schema; the merge of a partial regeneration",
    mayImport: ["files", "infra/model", "plan/engine", "plan/semantics"],
  },
  {
    folder: "deploy",
    holds: "convergence: which stacks a deploy run deploys, its waves and report, the drift summary",
    mayImport: ["cli", "infra/model"],
  },
  {
    folder: "scripts",
    holds: "one thin CLI entry per npm command (and run.mjs, which compiles and runs them)",
    mayImport: [
      "access",
      "cli",
      "contracts",
      "deploy",
      "files",
      "infra",
      "infra/model",
      "onboarding",
      "plan",
      "plan/engine",
      "policies",
      "report",
      "repository",
      "review",
      "tooling",
      "validation",
    ],
  },
  {
    folder: "bootstrap",
    holds: "the one-time Pulumi program for the state backend and deploy identities",
    mayImport: ["infra", "infra/model"],
  },
  {
    folder: "bench",
    holds: "the fleet generator and benchmarks",
    mayImport: ["files", "infra/model", "repository", "test"],
  },
  {
    folder: "test",
    holds: "shared test support, fixtures and the harnesses over Pulumi's gRPC protocols",
    mayImport: ["files", "infra", "infra/model", "plan/semantics", "policies", "repository", "tooling"],
  },
];

/** The room a repository-relative file or folder (forward slashes) belongs to: the longest folder that holds it. */
export function roomOf(file: string): Room | undefined {
  return ROOMS.filter((room) => file === room.folder || file.startsWith(`${room.folder}/`)).sort(
    (a, b) => b.folder.length - a.folder.length,
  )[0];
}
