import { existsSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFleet, parseIsoDate, type IsoDate } from "../../../infra/model";
import { fleetDirectory } from "../../../plan/semantics/azureMocks";
import { evaluateStack, type RegisteredResource } from "../../../plan/semantics/evaluate";
import { packConfigForFleet } from "../../../policies/packConfig";
import { operations, ScratchProject, type EngineEvent, type ExportedResource } from "./project";
import { ensurePulumiCli, lockedSdkVersion, type PulumiCli } from "./pulumiCli";

// The day-2 lifecycle of two sample stacks on the real Pulumi CLI: file backend, passphrase secrets, the repository's
// Pulumi.yaml (stackConfigDir: stacks) and policy pack, fake azure-native/azuread plugins (fakeProvider.ts). Each step
// depends on the one before. The pack (which ts-node always type-checks: a minute a start on a loaded machine) runs
// on the previews and the first up; the day-2 ups run without it.

const DAY_ONE = parseIsoDate("2026-11-23");

function nextDay(day: IsoDate, days = 1): IsoDate {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10) as IsoDate;
}

const at = (day: IsoDate) => `${day}T09:00:00Z`;

/** What the offline plan predicts for a stack of the scratch repository on a day. */
async function offlinePlan(root: string, stack: string, today: IsoDate): Promise<readonly RegisteredResource[]> {
  const fleet = loadFleet(root, today);
  if (!fleet.fleet) throw new Error(`the scratch fleet does not validate on ${today}`);
  const evaluation = await evaluateStack({ stack, fleet, today, directory: fleetDirectory(fleet.fleet) });
  if (evaluation.error) throw new Error(evaluation.error);
  return evaluation.resources;
}

/** The state's secrets (`--show-secrets`) as the plain values the program gave. */
function revealed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revealed);
  if (typeof value !== "object" || value === null) return value;
  const object = value as Record<string, unknown>;
  if (object["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270" && "plaintext" in object)
    return JSON.parse(String(object["plaintext"]));
  return Object.fromEntries(Object.entries(object).map(([key, entry]) => [key, revealed(entry)]));
}

function policyFailures(events: readonly EngineEvent[]): string[] {
  return events.flatMap((event) =>
    event.policyEvent ? [`${event.policyEvent.policyName} (${event.policyEvent.enforcementLevel})`] : [],
  );
}

const changed = (events: readonly EngineEvent[]) =>
  operations(events).filter((step) => step.op !== "same" && step.op !== "read");

let cli: PulumiCli;

beforeAll(() => {
  cli = ensurePulumiCli();
  console.log(`engine tests: Pulumi CLI ${cli.version} (${cli.origin}), @pulumi/pulumi ${lockedSdkVersion()}`);
});

describe.each([
  ["digdir-tt02", "tt02"],
  ["digdir-prod", "prod"],
] as const)("%s on the real Pulumi CLI", (stack, environment) => {
  let project: ScratchProject;
  let day = DAY_ONE;
  const policyPack = ["--policy-pack", "policies"];

  beforeAll(() => {
    project = new ScratchProject(cli, at(day));
  });
  afterAll(() => {
    if (environment === "tt02" && project) project.pulumi("destroy", "--yes", "--stack", stack);
  });

  it("names the CLI it runs", () => {
    expect(project.ok("version").stdout.trim()).toBe(cli.version);
  });

  it("stack init writes the stack's settings into stacks/ (stackConfigDir)", () => {
    project.ok("stack", "init", stack, "--secrets-provider", "passphrase");
    expect(existsSync(path.join(project.root, "stacks", `Pulumi.${stack}.yaml`))).toBe(true);
  });

  it("preview --policy-pack fails on a mandatory violation", () => {
    const fleet = loadFleet(project.root, day).fleet;
    if (!fleet) throw new Error("the scratch fleet does not validate");
    const config = packConfigForFleet(fleet, day);
    // The stack stays in norwayeast; the registry in policy config allows only westeurope.
    const registry = config["allowed-locations"]?.["registry"] as { allowedLocations: Record<string, string[]> };
    registry.allowedLocations[environment] = ["westeurope"];
    const file = project.write(`locations-${stack}.json`, JSON.stringify(config));
    const preview = project.withEvents("preview", "--stack", stack, ...policyPack, "--policy-pack-config", file);
    expect(preview.status, preview.stdout + preview.stderr).not.toBe(0);
    expect(policyFailures(preview.events)).toContain("allowed-locations (mandatory)");
  });

  if (environment === "prod") {
    it("preview --policy-pack refuses prod to an owner whose terms the registry does not hold (fail closed)", () => {
      const fleet = loadFleet(project.root, day).fleet;
      if (!fleet) throw new Error("the scratch fleet does not validate");
      const config = packConfigForFleet(fleet, day);
      const terms = config["prod-requires-accepted-terms"]?.["registry"] as {
        owners: Record<string, { termsOfUse?: unknown }>;
      };
      terms.owners["digdir"] = {};
      const file = project.write("no-terms.json", JSON.stringify(config));
      const preview = project.withEvents("preview", "--stack", stack, ...policyPack, "--policy-pack-config", file);
      expect(preview.status, preview.stdout + preview.stderr).not.toBe(0);
      expect(policyFailures(preview.events)).toContain("prod-requires-accepted-terms (mandatory)");
    });
  }

  it("preview --policy-pack passes with the registry the pack reads from the repository, type-checked", () => {
    project.typeCheck = true;
    const preview = project.withEvents("preview", "--stack", stack, ...policyPack);
    project.typeCheck = false;
    expect(preview.status, preview.stdout + preview.stderr).toBe(0);
    expect(policyFailures(preview.events)).toEqual([]);
  });

  it("up creates what the offline plan predicts: the same resources with the same inputs and options", async () => {
    project.ok("up", "--yes", "--stack", stack, ...policyPack);
    const state = (
      JSON.parse(project.ok("stack", "export", "--stack", stack, "--show-secrets").stdout) as {
        deployment: { resources: ExportedResource[] };
      }
    ).deployment.resources;
    const plan = await offlinePlan(project.root, stack, day);
    const predicted = plan.map((resource) => ({
      urn: resource.urn,
      inputs: resource.custom ? resource.inputs : {},
      parent: resource.parent,
      provider: resource.provider?.split("::").slice(0, -1).join("::"),
      protect: resource.protect,
    }));
    const actual = state
      .filter((resource) => !resource.type.startsWith("pulumi:providers:") || plan.some((r) => r.urn === resource.urn))
      .map((resource) => ({
        urn: resource.urn,
        inputs: resource.custom ? revealed(resource.inputs ?? {}) : {},
        parent: resource.parent,
        provider: resource.provider?.split("::").slice(0, -1).join("::"),
        protect: resource.protect ?? false,
      }));
    const byUrn = (a: { urn: string }, b: { urn: string }) => a.urn.localeCompare(b.urn);
    expect(actual.sort(byUrn)).toEqual(predicted.sort(byUrn));
  });

  it("a second up changes nothing, on the same day and on the next", () => {
    project.ok("up", "--yes", "--expect-no-changes", "--stack", stack);
    day = nextDay(day);
    project.clock = at(day);
    project.ok("up", "--yes", "--expect-no-changes", "--stack", stack);
  });

  it("refresh finds Azure as the state left it", () => {
    project.ok("refresh", "--yes", "--expect-no-changes", "--stack", stack);
  });

  // The grant with an end date in each environment's sample owner file.
  const grant = environment === "prod" ? "ALTINN-1228" : "ALTINN-1230";
  const setExpiry = (expires: string) =>
    project.edit("stacks/digdir.yaml", (text) =>
      text.replace(new RegExp(`(ticket: ${grant}\\n\\s+expires: )\\S+`), `$1${expires}`),
    );

  it("a grant renewal is an update in place, as the offline plan predicts", () => {
    setExpiry("2027-09-30");
    const up = project.withEvents("up", "--yes", "--stack", stack);
    expect(up.status, up.stdout + up.stderr).toBe(0);
    const steps = changed(up.events);
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((step) => step.op === "update" && step.urn.includes("Schedule"))).toBe(true);
    project.ok("up", "--yes", "--expect-no-changes", "--stack", stack);
  });

  it("a grant that expires is removed by the next up after its last day", async () => {
    setExpiry(nextDay(day));
    project.ok("up", "--yes", "--stack", stack);
    const before = await offlinePlan(project.root, stack, nextDay(day));
    day = nextDay(day, 2);
    project.clock = at(day);
    const after = await offlinePlan(project.root, stack, day);
    const expired = before.filter((resource) => !after.some((kept) => kept.urn === resource.urn)).map((r) => r.urn);
    expect(expired.length).toBeGreaterThan(0);
    const up = project.withEvents("up", "--yes", "--stack", stack);
    expect(up.status, up.stdout + up.stderr).toBe(0);
    const steps = changed(up.events);
    expect(steps.map((step) => step.urn).sort()).toEqual(expired.sort());
    expect(steps.every((step) => step.op === "delete")).toBe(true);
  });

  if (environment === "tt02") {
    it("a change the tables mark as replacement is a delete-before-replace for azure-native", () => {
      project.edit("stacks/digdir.yaml", (text) =>
        text.replace(/(tt02:\n\s+subscriptionId: \S+.*\n)/, "$1    location: westeurope\n"),
      );
      const up = project.withEvents("up", "--yes", "--stack", stack);
      expect(up.status, up.stdout + up.stderr).toBe(0);
      const steps = changed(up.events);
      const vault = steps.filter((step) => step.type === "azure-native:keyvault:Vault").map((step) => step.op);
      expect(vault).toEqual(["delete-replaced", "replace", "create-replacement"].filter((op) => vault.includes(op)));
      expect(vault).toContain("delete-replaced");
      expect(vault.indexOf("delete-replaced")).toBeLessThan(vault.indexOf("create-replacement"));
      project.ok("up", "--yes", "--expect-no-changes", "--stack", stack);
    });
  }

  if (environment === "prod") {
    it("destroy is refused while prod's stateful resources are protected, and nothing is deleted", () => {
      const before = project.exportState(stack).length;
      const azure = project.azureResourceCount();
      const destroy = project.pulumi("destroy", "--yes", "--stack", stack);
      expect(destroy.status).not.toBe(0);
      expect(destroy.stdout + destroy.stderr).toMatch(/protect/i);
      expect(project.exportState(stack).length).toBe(before);
      expect(project.azureResourceCount()).toBe(azure);
    });
  }
});
