import type { EnvironmentLayer } from "./environment";
import type { Owner } from "./owner";
import type { Problem } from "./problem";
import type { EnvironmentName } from "./schema";

/**
 * The shapes of a fleet: the files it is read from and its validated form. Apart from fleet.ts (which validates)
 * so the rules over a fleet (versionRules.ts, ownerEnvironment.ts) can name it without importing the validation.
 */

/** A file's repository-relative path (forward slashes) and its text; `text` undefined when the file is missing. */
export interface SourceFile {
  readonly file: string;
  readonly text: string | undefined;
  /** Why the file was not read (a symbolic link, too large, not UTF-8): then `text` is undefined. */
  readonly problem?: string;
}

export interface FleetSources {
  readonly layers: Readonly<Record<EnvironmentName, SourceFile>>;
  readonly owners: readonly SourceFile[];
  /** Entries of stacks/ that are neither owner files nor Pulumi's stack files (see classifyStacksEntry). */
  readonly strays?: readonly Problem[];
}

export interface LoadedOwner {
  readonly file: string;
  readonly owner: Owner;
}

/** The valid part of the fleet; everything that was not valid is in the accompanying problems. */
export interface Fleet {
  readonly layers: Partial<Record<EnvironmentName, EnvironmentLayer>>;
  readonly owners: readonly LoadedOwner[];
}

export interface FleetResult {
  readonly fleet: Fleet;
  /** Every problem, sorted: what `validate` reports. */
  readonly problems: Problem[];
  /** The subset of `problems` that are expired grants, which a deploy tolerates (see checkExpiredGrants). */
  readonly expiredGrants: readonly Problem[];
  /** Worth a reviewer's attention but not invalid (see checkTermsVersion), sorted. */
  readonly warnings: readonly Problem[];
  /**
   * Prod owners' terms-of-use records the policy will refuse (see checkTermsForProd): errors for `validate`, but not
   * in `problems`, so the plan still runs and shows the policy's own verdict (the policy is the gate).
   */
  readonly prodTerms: readonly Problem[];
}
