import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { REPO_ROOT } from "../../repository/root";

/**
 * Run `script` (TypeScript, through tsx) in a child process whose files may not grow past `blocks` × 512 bytes
 * (RLIMIT_FSIZE, `ulimit -f` in sh): a real full disk as the writer sees it. Node ignores SIGXFSZ, so a write past
 * the limit fails with EFBIG after writing what fits, exactly as a write on a full disk fails with ENOSPC.
 */
export function runWithFileSizeLimit(script: string, blocks: number): SpawnSyncReturns<string> {
  return spawnSync(
    "sh",
    ["-c", `ulimit -f ${blocks} && exec "$0" --require tsx/cjs --eval "$1"`, process.execPath, script],
    { cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, ALTINN_APPS_DEBUG: "" } },
  );
}
