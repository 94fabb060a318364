import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { validateFleet } from "../../infra/model";
import { fleetOf, ownerYaml, TODAY } from "../../test/support/fleet";
import { PlanCache, stackKey } from "./cache";
import type { StackPlan } from "../semantics/stackPlan";

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

describe("PlanCache", () => {
  it("returns what was stored under a key, nothing for an unknown one", () => {
    const cache = new PlanCache(path.join(mkdtempSync(path.join(tmpdir(), "plan-cache-")), "nested"));
    const plan: StackPlan = {
      stack: "abc-tt02",
      owner: "abc",
      environment: "tt02",
      resources: [],
      members: [],
      violations: [],
    };
    expect(cache.get("k")).toBeUndefined();
    cache.set("k", plan);
    expect(cache.get("k")).toEqual(plan);
  });
});
