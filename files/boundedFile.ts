import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { decodeText, entryProblem, MAX_FILE_BYTES } from "../infra/model/inputFiles";

/**
 * Read a file without following a symbolic link, without blocking on a FIFO or device, and never more than `limit`
 * bytes: `undefined` text when it does not exist. The one reader of every file this repository takes as input.
 */
export function readBoundedFile(
  absolute: string,
  limit = MAX_FILE_BYTES,
): { text: string | undefined } | { problem: string } {
  let descriptor: number;
  try {
    descriptor = openSync(absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { text: undefined };
    if (code === "ELOOP") return { problem: entryProblem("symlink", 0) ?? "" };
    return { problem: `cannot be read (${code ?? String(error)})` };
  }
  try {
    const stats = fstatSync(descriptor);
    const problem = stats.isDirectory()
      ? "is a directory"
      : entryProblem(stats.isFile() ? "file" : "other", stats.size, limit);
    if (problem) return { problem };
    // One byte more than fstat reported: a file that grew meanwhile is caught, never read past the limit.
    const buffer = Buffer.allocUnsafe(stats.size + 1);
    let length = 0;
    for (let read = -1; read !== 0 && length < buffer.length; length += read) {
      read = readSync(descriptor, buffer, length, buffer.length - length, null);
    }
    if (length === buffer.length) return { problem: "changed while it was read: try again" };
    return decodeText(buffer.subarray(0, length));
  } finally {
    closeSync(descriptor);
  }
}
