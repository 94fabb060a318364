import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../repository/root";

/** Runs `script` in a fresh Node process (the deferral only acts before the SDK is first loaded). */
function inFreshProcess(script: string): unknown {
  const output = execFileSync(process.execPath, ["--require", "tsx/cjs", "--eval", script], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  return JSON.parse(output);
}

const DEFER = JSON.stringify(path.join(REPO_ROOT, "runtime", "deferClosureSerializer.ts"));
const loadedHeavyModules = `Object.keys(require.cache).filter((file) => /[\\\\/](typescript|@npmcli[\\\\/]arborist)[\\\\/]/.test(file)).length`;

describe("deferring the SDK's closure serializer", () => {
  it("imports the SDK without TypeScript's compiler or npm's Arborist, and still serializes on first use", () => {
    const result = inFreshProcess(`
      require(${DEFER});
      const pulumi = require("@pulumi/pulumi");
      const afterImport = ${loadedHeavyModules};
      pulumi.runtime.serializeFunction(() => 42).then(async (serialized) => {
        const paths = await pulumi.runtime.computeCodePaths();
        console.log(JSON.stringify({
          afterImport,
          afterUse: ${loadedHeavyModules} > 0,
          serialized: serialized.text.includes("42"),
          codePaths: paths instanceof Map,
        }));
      });
    `);
    expect(result).toEqual({ afterImport: 0, afterUse: true, serialized: true, codePaths: true });
  });

  it("leaves an SDK that was loaded first as it is", () => {
    const result = inFreshProcess(`
      const pulumi = require("@pulumi/pulumi");
      require(${DEFER});
      console.log(JSON.stringify({ loaded: ${loadedHeavyModules} > 0, serialize: typeof pulumi.runtime.serializeFunction }));
    `);
    expect(result).toEqual({ loaded: true, serialize: "function" });
  });
});
