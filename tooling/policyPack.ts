import { readFileSync } from "node:fs";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { writeFileAtomic } from "../files/atomicWrite";
import { claimOutputDirectory } from "../files/outputDirectory";

/** Marks a folder as the pack's own; `files` in the manifest keeps it out of the published tarball. */
export const PACK_MARKER = ".altinn-apps-policy-pack";

/**
 * The policy pack as `pulumi policy publish` should receive it. The CLI runs `npm pack` in the pack's directory
 * (pkg/backend/httpstate/policypack.go Publish, sdk/nodejs/npm/npm.go Pack) and installs the tarball's declared
 * dependencies where it runs it (installRequiredPolicy), so everything else the pack imports must be inside it.
 * `policies/` imports the owner model from `infra/`, outside the package; this writes a directory with the pack
 * bundled into one `index.js` (its dependencies left to npm), `PulumiPolicy.yaml` and `package.json` pointing at
 * the bundle. No npm lifecycle scripts: the CLI reads the tarball's name from `npm pack`'s stdout, which a script's
 * banner would spoil. The folder must be the pack's own (see claimOutputDirectory); each file is replaced atomically.
 */
export function buildPolicyPack(root: string, outDirectory: string): void {
  const pack = path.join(root, "policies");
  claimOutputDirectory(outDirectory, PACK_MARKER);
  const bundle = buildSync({
    absWorkingDir: root,
    entryPoints: [path.join(pack, "index.ts")],
    outfile: path.join(outDirectory, "index.js"),
    bundle: true,
    packages: "external",
    format: "cjs",
    platform: "node",
    target: "node20",
    logLevel: "error",
    write: false,
  });
  for (const file of bundle.outputFiles) writeFileAtomic(file.path, file.contents);
  writeFileAtomic(path.join(outDirectory, "PulumiPolicy.yaml"), readFileSync(path.join(pack, "PulumiPolicy.yaml")));
  const manifest = JSON.parse(readFileSync(path.join(pack, "package.json"), "utf8")) as Record<string, unknown>;
  const published = { ...manifest, main: "index.js", files: ["index.js", "PulumiPolicy.yaml"] };
  writeFileAtomic(path.join(outDirectory, "package.json"), `${JSON.stringify(published, null, 2)}\n`);
}
