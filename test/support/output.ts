import { afterEach, beforeEach, vi } from "vitest";

/** Capture what a CLI's `main` writes to stdout and stderr during each test of the calling file. */
export function captureOutput(): {
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Forget what was captured so far: for a test that runs a CLI twice. */
  readonly clear: () => void;
} {
  let stdout = "";
  let stderr = "";
  beforeEach(() => {
    clear();
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      stdout += String(chunk);
      return true;
    });
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
  });
  afterEach(() => vi.restoreAllMocks());
  const clear = () => {
    stdout = "";
    stderr = "";
  };
  return { stdout: () => stdout, stderr: () => stderr, clear };
}
