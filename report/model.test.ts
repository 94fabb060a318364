import { describe, expect, it } from "vitest";
import { daysBetween, parseIsoDate } from "../infra/model/dates";
import { validateFleet } from "../infra/model/fleet";
import { fleetOf, layersWith, ownerYaml } from "../test/support/fleet";
import { buildAccessReport } from "./model";

const TODAY = parseIsoDate("2027-01-10");
const NO_HISTORY = { available: false, reason: "test" } as const;

function reportOf(...owners: ReturnType<typeof ownerYaml>[]) {
  const { fleet } = validateFleet(fleetOf(...owners), TODAY);
  return buildAccessReport(fleet, NO_HISTORY, TODAY);
}

describe("buildAccessReport", () => {
  it("counts days left as calendar days, 0 on the last valid day", () => {
    expect(daysBetween(TODAY, parseIsoDate("2027-01-10"))).toBe(0);
    expect(daysBetween(TODAY, parseIsoDate("2027-02-09"))).toBe(30);
    expect(daysBetween(TODAY, parseIsoDate("2027-01-09"))).toBe(-1);
    // Across the switch to summer time (in Norway on 28 March 2027) a day is still a day.
    expect(daysBetween(parseIsoDate("2027-03-27"), parseIsoDate("2027-03-29"))).toBe(2);
  });

  it("marks grants expiring within 30 days and expired ones, and counts only current grants", () => {
    const user = "dev.abc@ai-dev.no";
    const report = reportOf(
      ownerYaml("abc", {
        access: [
          { user, role: "developer", environment: "tt02", expires: "2027-02-09" },
          { user, role: "developer", environment: "prod", expires: "2027-02-10" },
          { user, role: "operations", environment: "prod", expires: "2027-01-09" },
          { user, role: "operations", environment: "tt02" },
        ],
      }),
    );
    const [owner] = report.owners;
    expect(owner?.grants.map((grant) => [grant.status, grant.daysLeft])).toEqual([
      ["expiring", 30],
      ["active", 31],
      ["expired", -1],
      ["active", undefined],
    ]);
    expect(owner?.counts).toEqual({
      tt02: { developer: { standing: 1, "just-in-time": 0 }, operations: { standing: 1, "just-in-time": 0 } },
      prod: { developer: { standing: 1, "just-in-time": 0 }, operations: { standing: 0, "just-in-time": 0 } },
    });
    expect(owner?.users).toEqual([
      { upn: user, name: "Dev Person", grants: 4 },
      { upn: "ops.abc@ai-dev.brreg.no", name: "Ops Person", grants: 0 },
    ]);
  });

  it("names what is missing from the terms of use, also for an owner not yet in prod", () => {
    const report = reportOf(
      ownerYaml("abc", { termsOfUse: undefined }),
      ownerYaml("def", {
        orgNumber: "974760673",
        users: [{ upn: "dev.def@ai-dev.no", name: "Dev" }],
        access: [{ user: "dev.def@ai-dev.no", role: "developer", environment: "tt02" }],
        environments: { tt02: { subscriptionId: "11111111-1111-4111-8111-111111111112" } },
        termsOfUse: undefined,
      }),
    );
    expect(report.owners.map((owner) => owner.terms)).toEqual([
      {
        required: true,
        record: undefined,
        shortcomings: ["no termsOfUse record: the owner has not accepted the terms of use (version 2025-1)"],
      },
      expect.objectContaining({ required: false, shortcomings: [expect.stringContaining("no termsOfUse record")] }),
    ]);
  });

  it("counts prod Operations as just-in-time where the layer's access model makes it an eligibility", () => {
    const prodOperations = (layers: ReturnType<typeof layersWith>) => {
      const { fleet, problems } = validateFleet({ layers, owners: [ownerYaml("abc")] }, TODAY);
      expect(problems).toEqual([]);
      const [owner] = buildAccessReport(fleet, NO_HISTORY, TODAY).owners;
      return owner?.counts.prod?.operations;
    };
    expect(prodOperations(layersWith("prod", (text) => text))).toEqual({ standing: 0, "just-in-time": 1 });
    const membership = layersWith("prod", (text) => text.replace("accessModel: pim", "accessModel: membership"));
    expect(prodOperations(membership)).toEqual({ standing: 1, "just-in-time": 0 });
  });
});
