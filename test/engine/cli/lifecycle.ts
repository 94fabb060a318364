import { existsSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFleet } from "../../../files/fleetReader";
import { parseIsoDate, type IsoDate } from "../../../infra/model/dates";
import { fleetDirectory } from "../../../plan/semantics/azureMocks";
import { diffStack, type StackDiff } from "../../../plan/semantics/diff";
import { evaluateStack, type RegisteredResource } from "../../../plan/semantics/evaluate";
import { planContext, planStack } from "../../../plan/semantics/stackPlan";
import { packConfigForFleet } from "../../../policies/packConfig";
import { operations, ScratchProject, type EngineEvent, type ExportedResource } from "./project";
import { ensurePulumiCli, lockedSdkVersion, type PulumiCli } from "./pulumiCli";

// The day-2 lifecycle of a sample stack on the real Pulumi CLI: file backend, passphrase secrets, the repository's
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

type Step = { readonly op: string; readonly resource: string };

/** The steps the engine took, resource by resource (`<type> <name>`), in its order, without the unchanged. */
function engineSteps(events: readonly EngineEvent[]): Step[] {
  return changed(events).map((step) => ({ op: step.op, resource: `${step.type} ${step.urn.split("::").at(-1)}` }));
}

/**
 * A provider reference is `<urn>::<id>` in the state; the mocks' may lack the id. A URN is
 * `urn:pulumi:<stack>::<project>::<type>::<name>`: its first four `::` parts.
 */
const providerUrn = (reference: string | undefined) => reference?.split("::").slice(0, 4).join("::");

/** A provider's state inputs carry what the engine adds itself (the plugin `version`, `__internal`): not the program's. */
function withoutEngineFields(type: string, inputs: unknown): unknown {
  if (!type.startsWith("pulumi:providers:")) return inputs;
  const { version: _version, __internal: _internal, ...program } = inputs as Record<string, unknown>;
  return program;
}

/** Steps grouped by resource (a stable sort: each resource's own steps stay in order). */
const byResource = (steps: readonly Step[]) => [...steps].sort((a, b) => a.resource.localeCompare(b.resource));

/** The offline diff of a stack across an edit of the scratch repository, on one day. */
async function offlineDiff(
  project: ScratchProject,
  stack: string,
  today: IsoDate,
  edit: () => void,
): Promise<StackDiff> {
  const planAt = async () => {
    const fleet = loadFleet(project.root, today);
    if (!fleet.fleet) throw new Error(`the scratch fleet does not validate on ${today}`);
    return planStack(stack, planContext(fleet, today, fleetDirectory(fleet.fleet)));
  };
  const base = await planAt();
  edit();
  const head = await planAt();
  return diffStack({ stack, base, head });
}

/** The engine steps the offline diff predicts for an edit: a delete-first replacement is three steps. */
async function offlineSteps(project: ScratchProject, stack: string, today: IsoDate, edit: () => void): Promise<Step[]> {
  const diff = await offlineDiff(project, stack, today, edit);
  const steps = diff.changes
    .filter((change) => change.type !== "pulumi:pulumi:Stack")
    .map((change) => {
      const resource = `${change.type} ${change.name}`;
      if (change.action !== "replace") return [{ op: change.action, resource }];
      return change.deleteFirst
        ? [
            { op: "delete-replaced", resource },
            { op: "replace", resource },
            { op: "create-replacement", resource },
          ]
        : [
            { op: "create-replacement", resource },
            { op: "replace", resource },
            { op: "delete-replaced", resource },
          ];
    });
  return steps.flat();
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
    event.policyEvent && !notEvaluated(event.policyEvent)
      ? [`${event.policyEvent.policyName} (${event.policyEvent.enforcementLevel})`]
      : [],
  );
}

/**
 * A policy the engine could not run in a preview because a value it reads is unknown until Azure creates something
 * (a first preview's subnet and workspace ids): reported as advisory, "can't be known during preview". The offline
 * plan runs every policy on the mocks' values instead; `up` runs them on the real ones.
 */
const notEvaluated = (event: NonNullable<EngineEvent["policyEvent"]>) =>
  /can't be known during preview/.test(event.message);

function policiesNotEvaluated(events: readonly EngineEvent[]): string[] {
  return [
    ...new Set(
      events.flatMap((event) =>
        event.policyEvent && notEvaluated(event.policyEvent) ? [event.policyEvent.policyName] : [],
      ),
    ),
  ].sort();
}

const changed = (events: readonly EngineEvent[]) =>
  operations(events).filter((step) => step.op !== "same" && step.op !== "read");

/**
 * The lifecycle of one sample stack, as a vitest suite: each stack has its own test file (digdirTt02.test.ts,
 * digdirProd.test.ts), so that vitest runs the two in parallel.
 */
export function describeLifecycle(stack: string, environment: "tt02" | "prod"): void {
  describe(`${stack} on the real Pulumi CLI`, () => {
    let cli: PulumiCli;
    let project: ScratchProject;
    let day = DAY_ONE;
    const policyPack = ["--policy-pack", "policies"];
    /** The config the workflows write (npm run policy-config) on day one: the preview writes it, the first up reuses it. */
    let policyConfig: string;

    beforeAll(() => {
      cli = ensurePulumiCli();
      console.log(`engine tests: Pulumi CLI ${cli.version} (${cli.origin}), @pulumi/pulumi ${lockedSdkVersion()}`);
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

    it("preview --policy-pack without its config refuses the stack: the pack never reads the repository (fail closed)", () => {
      const preview = project.withEvents("preview", "--stack", stack, ...policyPack);
      expect(preview.status, preview.stdout + preview.stderr).not.toBe(0);
      expect(policyFailures(preview.events)).toContain("allowed-locations (mandatory)");
    });

    it("preview --policy-pack passes with the config the workflows write (npm run policy-config), type-checked", () => {
      policyConfig = project.policyConfig(day);
      project.typeCheck = true;
      const preview = project.withEvents(
        "preview",
        "--stack",
        stack,
        ...policyPack,
        "--policy-pack-config",
        policyConfig,
      );
      project.typeCheck = false;
      expect(preview.status, preview.stdout + preview.stderr).toBe(0);
      expect(policyFailures(preview.events)).toEqual([]);
      // A first preview of a new stack: the policies that read ids Azure has not made yet wait for up.
      expect(policiesNotEvaluated(preview.events)).toEqual(expect.arrayContaining(["aks-owner-network"]));
    });

    it("up creates what the offline plan predicts: the same resources with the same inputs and options", async () => {
      const up = project.withEvents(
        "up",
        "--yes",
        "--stack",
        stack,
        ...policyPack,
        "--policy-pack-config",
        policyConfig,
      );
      expect(up.status, up.stdout + up.stderr).toBe(0);
      // up previews first (the same notes), then runs every policy on the values Azure returned: none fails.
      expect(policyFailures(up.events)).toEqual([]);
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
        provider: providerUrn(resource.provider),
        protect: resource.protect,
      }));
      const actual = state
        .filter(
          (resource) => !resource.type.startsWith("pulumi:providers:") || plan.some((r) => r.urn === resource.urn),
        )
        .map((resource) => ({
          urn: resource.urn,
          inputs: resource.custom ? withoutEngineFields(resource.type, revealed(resource.inputs ?? {})) : {},
          parent: resource.parent,
          provider: providerUrn(resource.provider),
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

    it("a grant renewal replaces its PIM schedule, deleting the old one first, as the offline diff predicts", async () => {
      const expected = await offlineSteps(project, stack, day, () => setExpiry("2027-09-30"));
      expect(expected.some((step) => step.op === "delete-replaced")).toBe(true);
      const up = project.withEvents("up", "--yes", "--stack", stack);
      expect(up.status, up.stdout + up.stderr).toBe(0);
      expect(byResource(engineSteps(up.events))).toEqual(byResource(expected));
      project.ok("up", "--yes", "--expect-no-changes", "--stack", stack);
    });

    it("a grant that has ended is forgotten before up, as the deploy does, and up then changes nothing", async () => {
      setExpiry(nextDay(day));
      project.ok("up", "--yes", "--stack", stack);
      const before = await offlinePlan(project.root, stack, nextDay(day));
      day = nextDay(day, 2);
      project.clock = at(day);
      const after = await offlinePlan(project.root, stack, day);
      const ended = before.filter((resource) => !after.some((kept) => kept.urn === resource.urn)).map((r) => r.urn);
      expect(ended.length).toBeGreaterThan(0);
      // Graph refuses to delete a schedule Entra ID has ended (the fake azuread does too): an up that tries fails.
      const refused = project.withEvents("up", "--yes", "--stack", stack);
      expect(refused.status, refused.stdout + refused.stderr).not.toBe(0);
      expect(refused.stdout + refused.stderr).toMatch(/RoleAssignmentDoesNotExist/);
      // pulumi-up.yml: ended-schedules lists them from the state, pulumi state delete forgets each.
      const forgotten = project.forgetEndedSchedules(stack);
      expect(forgotten.sort()).toEqual(ended.sort());
      project.ok("up", "--yes", "--expect-no-changes", "--stack", stack);
    });

    if (environment === "tt02") {
      it("a region change the tables mark as replacement is refused by protect, as the offline diff refuses it", async () => {
        const diff = await offlineDiff(project, stack, day, () =>
          project.edit("stacks/digdir.yaml", (text) =>
            text.replace(/(tt02:\n\s+subscriptionId: \S+.*\n)/, "$1    location: westeurope\n"),
          ),
        );
        expect([...diff.refusals, ...diff.replacements].join("\n")).toMatch(/platform-digdir-tt02-law/);
        const azure = project.azureResourceCount();
        const up = project.withEvents("up", "--yes", "--stack", stack);
        expect(up.status, up.stdout + up.stderr).not.toBe(0);
        // The engine stops at the first protected dependent it reaches (the cluster or the workspace, in no fixed order).
        expect(up.stdout + up.stderr).toMatch(/unable to replace resource .* as it is currently marked for protection/);
        expect(project.azureResourceCount()).toBe(azure);
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
}
