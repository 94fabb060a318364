import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import * as path from "node:path";

/** A file that could not be written: it names the file, and the file is as it was before. */
export class FileWriteError extends Error {
  override readonly name = "FileWriteError";
  constructor(
    readonly file: string,
    readonly code: string | undefined,
    readonly reason: string,
  ) {
    super(`cannot write ${file} (${reason}); it was left as it was`);
  }
}

/** "ENOSPC: no space left on device, write" → "ENOSPC: no space left on device". */
function reasonOf(error: unknown): { code: string | undefined; reason: string } {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return { code, reason: message.replace(/, (open|write|rename|link|fsync|close|fchmod)\b.*$/, "") };
}

/** The permission bits of the regular file at `file`, to carry over to its replacement; undefined when none is there. */
function permissionsOf(file: string): number | undefined {
  try {
    const stats = lstatSync(file);
    return stats.isFile() ? stats.mode & 0o7777 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Write `content` to `file` so that no reader, crash or full disk ever leaves it half written: the bytes go to a new
 * temporary file in the same folder (so the rename cannot cross file systems), are flushed to disk, and the file is
 * renamed into place (rename(2) replaces the name atomically: readers see the old content or the new, never a mix).
 * On any failure the temporary file is removed, `file` keeps its old content, and a FileWriteError names it.
 *
 * `exclusive`: create `file` only if nothing is there yet (link(2) instead of rename, which fails with EEXIST rather
 * than replacing what appeared meanwhile). Replacing a symbolic link replaces the link itself, never its target.
 */
export function writeFileAtomic(
  file: string,
  content: string | Uint8Array,
  options: { readonly exclusive?: boolean } = {},
): void {
  const temporary = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`,
  );
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  let descriptor: number | undefined;
  try {
    descriptor = openSync(
      temporary,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o666,
    );
    const permissions = options.exclusive ? undefined : permissionsOf(file);
    if (permissions !== undefined) fchmodSync(descriptor, permissions);
    for (let written = 0; written < bytes.length;) {
      written += writeSync(descriptor, bytes, written, bytes.length - written);
    }
    fsyncSync(descriptor);
    closeSync(descriptor);
    descriptor = undefined;
    if (options.exclusive) {
      linkSync(temporary, file);
      rmSync(temporary, { force: true });
    } else {
      renameSync(temporary, file);
    }
  } catch (error) {
    if (descriptor !== undefined) {
      try {
        closeSync(descriptor);
      } catch {
        // Already failing: the write error is the one to report.
      }
    }
    rmSync(temporary, { force: true });
    const { code, reason } = reasonOf(error);
    throw new FileWriteError(file, code, reason);
  }
}
