import { cpSync, rmSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { todayUtc } from "../../infra/model/dates";
import { validateFleet } from "../../infra/model/fleet";
import { evaluateStack, type RegisteredResource, type StackEvaluation } from "../../plan/semantics/evaluate";
import { REPO_ROOT } from "../../repository/root";
import { REPO_SOURCES, ownerYaml } from "../support/fleet";
import { sampleDirectory, writeRepository } from "../support/repository";
import { runProgramOverGrpc, type EngineRun, type WireResource } from "./engineHarness";
import { fromMockInputs, UNKNOWN } from "./wire";

// The program's own "today" (infra/index.ts), so both roads see the same expired grants.
const today = todayUtc();
const directory = sampleDirectory();
// A cold ts-node type check of the program takes most of it; ts-node caches the result in the temp directory.
const RUNNER_TIMEOUT = 120_000;

function inProcess({ computed: _computed, ...resource }: RegisteredResource): WireResource {
  return { ...resource, inputs: fromMockInputs(resource.inputs) as WireResource["inputs"] };
}

const byUrn = (a: { urn: string }, b: { urn: string }) => a.urn.localeCompare(b.urn);

const runs: [string, string, boolean][] = [
  ["digdir-prod", "a preview", false],
  ["ttd-tt02", "a preview", false],
  ["digdir-prod", "the first preview of a new stack (computed values unknown)", true],
];
describe.each(runs)("%s, %s, through Pulumi's runner and the resource monitor protocol", (stack, _, firstPreview) => {
  let wire: EngineRun;
  let mocked: StackEvaluation;
  beforeAll(async () => {
    wire = await runProgramOverGrpc({ root: REPO_ROOT, stack, directory, firstPreview });
    const fleet = validateFleet(REPO_SOURCES, today);
    mocked = await evaluateStack({ stack, fleet, today, directory, firstPreview });
  }, RUNNER_TIMEOUT);

  it("runs to completion, type-checked, with no error logged", () => {
    expect(wire.logs.filter((log) => log.severity === "error")).toEqual([]);
    expect(wire.exitCode, wire.stderr).toBe(0);
    expect(mocked.error).toBeUndefined();
  });

  it("registers the same resources with the same inputs, parents, providers, protection and dependencies", () => {
    expect(wire.resources.length).toBeGreaterThan(10);
    expect(wire.resources.filter((resource) => resource.dependencies.length > 0).length).toBeGreaterThan(5);
    expect(JSON.stringify(wire.resources).includes(UNKNOWN)).toBe(firstPreview);
    expect([...wire.resources].sort(byUrn)).toEqual(mocked.resources.map(inProcess).sort(byUrn));
  });

  it("looks the group members up with one getUsers invoke and exports the stack outputs", () => {
    expect(wire.invokes).toEqual(["azuread:index/getUsers:getUsers"]);
    expect(Object.keys(wire.outputs).sort()).toEqual(Object.keys(mocked.outputs).sort());
    // An output still unknown goes over the wire as the unknown value alone, its secretness not yet attached.
    const connectionString = firstPreview ? UNKNOWN : { "[secret]": expect.stringMatching(/^InstrumentationKey=/) };
    expect(wire.outputs["applicationInsightsConnectionString"]).toEqual(connectionString);
  });
});

describe("an invalid owner file through Pulumi's runner", () => {
  const broken = ownerYaml("digdir", { orgNumber: "123456789" });
  const sources = { ...REPO_SOURCES, owners: [...REPO_SOURCES.owners.filter((o) => o.file !== broken.file), broken] };
  let root: string;
  let wire: EngineRun;
  beforeAll(async () => {
    // A copy of the project with the broken file: the program reads the owner files next to its own sources.
    root = writeRepository(sources.owners);
    for (const entry of ["files", "infra", "Pulumi.yaml", "package.json", "tsconfig.json"]) {
      cpSync(path.join(REPO_ROOT, entry), path.join(root, entry), { recursive: true });
    }
    symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
    // Type checking is proven by the runs above; this one proves the refusal, so it spares the cold compile.
    wire = await runProgramOverGrpc({ root, stack: "digdir-prod", directory, transpileOnly: true });
  }, RUNNER_TIMEOUT);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("aborts before registering anything but the stack, with the in-process message and no stack trace", async () => {
    const mocked = await evaluateStack({
      stack: "digdir-prod",
      fleet: validateFleet(sources, today),
      today,
      directory,
    });
    expect(mocked.error).toContain("stacks/digdir.yaml");
    expect(wire.logs.filter((log) => log.severity === "error").map((log) => log.message)).toEqual([mocked.error]);
    expect(wire.exitCode).toBe(32);
    expect(wire.resources.map((resource) => resource.type)).toEqual(["pulumi:pulumi:Stack"]);
  });
});
