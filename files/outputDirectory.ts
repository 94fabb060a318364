import { lstatSync, mkdirSync, readdirSync, statfsSync, type Stats } from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "./atomicWrite";

/** A folder a command may not write its output into: the message says why, for the option that named it. */
export class OutputDirectoryError extends Error {
  override readonly name = "OutputDirectoryError";
}

/**
 * Kernel file systems whose "files" are interfaces, not storage: writing there can hang, block or change the system.
 * Magic numbers of statfs(2)'s f_type, from the Linux kernel's include/uapi/linux/magic.h.
 */
const SPECIAL_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, "proc"],
  [0x62656572, "sysfs"],
  [0x1cd1, "devpts"],
  [0x64626720, "debugfs"],
  [0x74726163, "tracefs"],
  [0x73636673, "securityfs"],
  [0x27e0eb, "cgroup"],
  [0x63677270, "cgroup2"],
  [0xcafe4a11, "bpf"],
  [0x6165676c, "pstore"],
  [0xde5e81e4, "efivarfs"],
  [0x65735543, "fusectl"],
  [0x42494e4d, "binfmt_misc"],
  [0xf97cff8c, "selinuxfs"],
  [0x43415d53, "smackfs"],
  [0x6e736673, "nsfs"],
  [0x958458f6, "hugetlbfs"],
  [0x50495045, "pipefs"],
]);

function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Why `directory` (an existing directory, or the nearest existing folder above a new one) cannot hold files. */
function fileSystemProblem(directory: string): string | undefined {
  const special = SPECIAL_FILE_SYSTEMS.get(statfsSync(directory).type);
  return special && `is on a ${special} file system, which holds kernel interfaces rather than files`;
}

/**
 * Make `directory` a folder this command owns, or say why it cannot be: it must be a real directory (not a symbolic
 * link, a file or a device) on an ordinary file system, and either new, empty, or marked by `marker` as written by
 * this command before. An owned folder may be rewritten freely (stale pages removed); anything else is someone's.
 */
export function claimOutputDirectory(directory: string, marker: string): void {
  const absolute = path.resolve(directory);
  const stats = lstatOrUndefined(absolute);
  if (stats === undefined) {
    let existing = path.dirname(absolute);
    while (lstatOrUndefined(existing) === undefined) existing = path.dirname(existing);
    const problem = fileSystemProblem(existing);
    if (problem) throw new OutputDirectoryError(problem);
    mkdirSync(absolute, { recursive: true });
  } else {
    if (stats.isSymbolicLink()) throw new OutputDirectoryError("is a symbolic link: give the real folder");
    if (!stats.isDirectory()) throw new OutputDirectoryError("is not a directory");
    const problem = fileSystemProblem(absolute);
    if (problem) throw new OutputDirectoryError(problem);
    const entries = readdirSync(absolute);
    const markerStats = lstatOrUndefined(path.join(absolute, marker));
    if (entries.length > 0 && !markerStats?.isFile())
      throw new OutputDirectoryError(
        `holds files this command did not write (it has no ${marker}): give an empty or new folder`,
      );
  }
  writeFileAtomic(
    path.join(absolute, marker),
    "Written by altinn-apps-infra: this folder is rewritten on every run.\n",
  );
}
