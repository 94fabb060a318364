/**
 * Work to undo if the process is interrupted (Ctrl-C, a CI job cancelled): a temporary worktree, say. Node's default
 * on SIGINT, SIGTERM and SIGHUP is to exit at once, skipping every `finally`; while anything is registered here, the
 * signal first runs the registered cleanups (synchronously, in order), then is raised again with Node's default
 * action, so the exit status still says which signal ended the process. A `kill -9` cannot be caught: whoever
 * registers also prunes what a killed run left (see pruneStaleBases).
 */
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
const cleanups = new Set<() => void>();

function onSignal(signal: NodeJS.Signals): void {
  for (const cleanup of [...cleanups]) {
    try {
      cleanup();
    } catch {
      // Ending anyway: the next run prunes what is left.
    }
  }
  cleanups.clear();
  for (const name of SIGNALS) process.removeListener(name, onSignal);
  process.kill(process.pid, signal);
}

/** Run `cleanup` if a termination signal arrives before the returned function is called (which unregisters it). */
export function cleanUpOnTermination(cleanup: () => void): () => void {
  if (cleanups.size === 0) for (const name of SIGNALS) process.on(name, onSignal);
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) for (const name of SIGNALS) process.removeListener(name, onSignal);
  };
}
