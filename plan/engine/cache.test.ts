import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { validateFleet } from "../../infra/model/fleet";
import { fleetOf, ownerYaml, TODAY } from "../../test/support/fleet";
import { REPO_ROOT } from "../../repository/root";
import { MAX_ENTRY_BYTES, PlanCache, stackKey } from "./cache";
import type { PlannedResource, StackPlan } from "../semantics/stackPlan";

describe("stackKey", () => {
  const sources = fleetOf(ownerYaml("abc"), ownerYaml("xyz"));
  const key = (overrides: Partial<Parameters<typeof stackKey>[0]> = {}) =>
    stackKey({
      stack: "abc-prod",
      code: "c1",
      sources,
      fleet: validateFleet(sources, TODAY),
      today: TODAY,
      firstPreview: false,
      ...overrides,
    });

  it("changes with what the stack depends on, and only with that", () => {
    expect(key()).toBe(key());
    expect(key({ code: "c2" })).not.toBe(key());
    expect(key({ today: "2026-11-24" as typeof TODAY })).not.toBe(key());
    expect(key({ firstPreview: true })).not.toBe(key());
    const otherOwnerChanged = fleetOf(ownerYaml("abc"), ownerYaml("xyz", { contact: "ny@xyz.no" }));
    expect(key({ sources: otherOwnerChanged, fleet: validateFleet(otherOwnerChanged, TODAY) })).toBe(key());
    const ownChanged = fleetOf(ownerYaml("abc", { contact: "ny@abc.no" }), ownerYaml("xyz"));
    expect(key({ sources: ownChanged, fleet: validateFleet(ownChanged, TODAY) })).not.toBe(key());
  });

  it("changes when another owner's file makes this one invalid (a UPN registered twice)", () => {
    const clash = fleetOf(
      ownerYaml("abc"),
      ownerYaml("xyz", { users: [{ upn: "dev.abc@ai-dev.no", name: "Dev Person" }], access: [] }),
    );
    expect(key({ sources: clash, fleet: validateFleet(clash, TODAY) })).not.toBe(key());
  });
});

const plan = (stack: string): StackPlan => ({
  stack,
  owner: stack.split("-")[0] ?? "",
  environment: stack.split("-")[1] ?? "",
  resources: [{ type: "azure-native:keyvault:Vault", name: "kv", inputs: { sku: "standard" }, protect: true }],
  members: [],
  violations: [],
});

const cacheDirectory = () => path.join(mkdtempSync(path.join(tmpdir(), "plan-cache-")), "nested");

describe("PlanCache", () => {
  it("returns what was stored under a key for its stack, nothing for an unknown key", () => {
    const cache = new PlanCache(cacheDirectory());
    expect(cache.get("k", "abc-tt02")).toBeUndefined();
    cache.set("k", plan("abc-tt02"));
    expect(cache.get("k", "abc-tt02")).toEqual(plan("abc-tt02"));
  });

  it("returns every field a plan can hold, so a cached plan is the plan (Required: a new field must be added here)", () => {
    const resource: Required<PlannedResource> = {
      type: "azuread:index/privilegedAccessGroupAssignmentSchedule:PrivilegedAccessGroupAssignmentSchedule",
      name: "abc-prod-ops-dev.abc",
      inputs: { justification: "on call", ticketNumber: "INC1", ticketSystem: "TopDesk" },
      protect: false,
      ignoreChanges: ["tags"],
      import: "/subscriptions/0/resourceGroups/abc-prod-rg",
      replaceOnChanges: ["*"],
      deleteBeforeReplace: true,
    };
    const full: Required<StackPlan> = {
      ...plan("abc-prod"),
      resources: [resource],
      members: [
        {
          group: "Altinn Prod Operations abc",
          upn: "dev.abc@ai-dev.no",
          name: "Dev Person",
          expires: "2026-12-31",
          access: "assignment",
          endsAt: "2026-12-31T23:00:00Z",
        },
      ],
      ended: [{ name: "abc-prod-ops-old.abc", upn: "old.abc@ai-dev.no", endedAt: "2026-11-30T23:00:00Z" }],
      violations: [{ policy: "provider-contracts", level: "mandatory", message: "m", urn: "urn:pulumi:abc-prod::x" }],
      contractViolations: [
        {
          stack: "abc-prod",
          type: resource.type,
          name: resource.name,
          property: "ticketNumber",
          at: "ticket_number",
          rule: "required with ticket_system",
          source: "privileged_access_group_schedule.go:112",
          message: "abc-prod … ticketNumber: required with ticket_system",
        },
      ],
      outputs: { keyVaultUri: "https://abc-prod-kv.vault.azure.net/" },
      simulated: ["00000000-0000-4000-8000-000000000001"],
      error: "",
    };
    const cache = new PlanCache(cacheDirectory());
    cache.set("k", full);
    expect(cache.get("k", "abc-prod")).toEqual(full);
  });

  it("misses, rather than drops, a field it does not know", () => {
    const directory = cacheDirectory();
    const cache = new PlanCache(directory);
    cache.set("k", { ...plan("abc-prod"), unknownField: 1 } as StackPlan);
    expect(cache.get("k", "abc-prod")).toBeUndefined();
  });

  it("never serves an entry copied under another key or another stack's name", () => {
    const directory = cacheDirectory();
    const cache = new PlanCache(directory);
    cache.set("prod-key", plan("abc-prod"));
    copyFileSync(path.join(directory, "prod-key.json"), path.join(directory, "tt02-key.json"));
    expect(cache.get("tt02-key", "abc-prod")).toBeUndefined();
    expect(cache.get("prod-key", "abc-tt02")).toBeUndefined();
    expect(cache.get("prod-key", "abc-prod")).toEqual(plan("abc-prod"));
  });

  it.each([
    ["{}", "{}"],
    ["a bare plan of the old format", JSON.stringify(plan("abc-tt02"))],
    ["a truncated entry", '{"format":4,"key":"k","stack":"abc-tt02","plan":{"stack"'],
    [
      "a plan without resources",
      JSON.stringify({ format: 4, key: "k", stack: "abc-tt02", plan: { stack: "abc-tt02" } }),
    ],
  ])("ignores %s", (_case, text) => {
    const directory = cacheDirectory();
    mkdirSync(directory, { recursive: true });
    writeFileSync(path.join(directory, "k.json"), text);
    expect(new PlanCache(directory).get("k", "abc-tt02")).toBeUndefined();
  });

  it("ignores, without blocking or reading it, an entry that is a FIFO, a directory, a link to a device or too large", () => {
    // In a child process: the old cache blocked forever on a FIFO and read /dev/zero until memory ran out.
    const directory = cacheDirectory();
    mkdirSync(path.join(directory, "directory.json"), { recursive: true });
    execFileSync("mkfifo", [path.join(directory, "fifo.json")]);
    symlinkSync("/dev/zero", path.join(directory, "device.json"));
    writeFileSync(path.join(directory, "large.json"), " ".repeat(MAX_ENTRY_BYTES + 1));
    const script =
      `const { PlanCache } = require("./plan/engine/cache"); const cache = new PlanCache(${JSON.stringify(directory)});` +
      `process.stdout.write(JSON.stringify(["fifo", "directory", "device", "large"].map((key) => cache.get(key, "abc-tt02") ?? null)));`;
    const child = spawnSync(process.execPath, ["--require", "tsx/cjs", "--eval", script], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(child.stdout).toBe("[null,null,null,null]");
  });

  it("stores over an entry a directory occupies without failing the plan", () => {
    const directory = cacheDirectory();
    mkdirSync(path.join(directory, "k.json"), { recursive: true });
    const cache = new PlanCache(directory);
    expect(() => cache.set("k", plan("abc-tt02"))).not.toThrow();
    expect(cache.get("k", "abc-tt02")).toBeUndefined();
  });
});
