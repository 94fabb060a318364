import { execFileSync } from "node:child_process";

/**
 * Debian's chromium (.ci/run installs it where missing) or any chromium on PATH, or CHROMIUM_PATH:
 * playwright-core drives it through `executablePath` and never downloads a browser.
 */
export function chromiumExecutable(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync("sh", ["-c", "command -v chromium || command -v chromium-browser"], {
      encoding: "utf8",
    }).trim();
  } catch {
    throw new Error("no chromium on PATH: run `apt-get install -y chromium` (.ci/run does) or set CHROMIUM_PATH");
  }
}
