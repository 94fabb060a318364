import { ensurePulumiCli } from "./pulumiCli";

// `npm run engine:cli`: builds (or finds) the CLI the engine tests run, and names it. .ci/run starts it early, in the
// background, so the Go build overlaps the other checks.
const cli = ensurePulumiCli();
console.log(`Pulumi CLI ${cli.version} (${cli.origin}) in ${cli.bin}`);
