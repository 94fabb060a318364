import { describe, expect, it } from "vitest";
import { fleetOf, layersWith, ownerYaml, TODAY } from "../../test/support/fleet";
import {
  ACTIVATION_DURATIONS,
  accessPolicy,
  addMonths,
  endOfDayInOslo,
  grantKind,
  pimSchedules,
  scheduleIsLive,
  startOfDay,
} from "./access";
import { parseIsoDate } from "./dates";
import type { EnvironmentLayer } from "./environment";
import { validateFleet } from "./fleet";
import type { FleetSources } from "./fleetShape";

const date = parseIsoDate;

describe("the end of an expires day in Norwegian time", () => {
  it.each([
    ["2027-06-30", "2027-06-30T22:00:00Z"], // summer (CEST, UTC+2)
    ["2027-01-31", "2027-01-31T23:00:00Z"], // winter (CET, UTC+1)
    ["2027-03-27", "2027-03-27T23:00:00Z"], // the night before clocks go forward (01:00 UTC on 28 March)
    ["2027-03-28", "2027-03-28T22:00:00Z"], // the day they do: its midnight is already summer time
    ["2027-10-30", "2027-10-30T22:00:00Z"], // the night before clocks go back (01:00 UTC on 31 October)
    ["2027-10-31", "2027-10-31T23:00:00Z"],
    ["2028-02-29", "2028-02-29T23:00:00Z"], // leap day
    ["2027-12-31", "2027-12-31T23:00:00Z"], // year end
  ])("%s ends at %s", (expires, instant) => {
    expect(endOfDayInOslo(date(expires))).toBe(instant);
  });
});

describe("calendar months", () => {
  it.each([
    ["2026-11-23", 12, "2027-11-23"],
    ["2027-01-31", 1, "2027-02-28"],
    ["2027-03-31", 11, "2028-02-29"],
    ["2026-12-15", 1, "2027-01-15"],
  ])("%s + %i months is %s", (from, months, to) => {
    expect(addMonths(date(from), months)).toBe(to);
  });
});

function layers(sources: FleetSources): Partial<Record<"tt02" | "prod", EnvironmentLayer>> {
  return validateFleet(sources, TODAY).fleet.layers;
}

describe("the access policy of a layer", () => {
  it("reads the sample layers: PIM in both, prod Operations just-in-time with approval by the platform admins", () => {
    const { tt02, prod } = layers(fleetOf());
    const prodPolicy = accessPolicy(prod as EnvironmentLayer);
    expect(prodPolicy).toMatchObject({
      model: "pim",
      lifetime: { operations: { expiresRequired: true, maxMonths: 12 } },
      justInTime: {
        roles: ["operations"],
        allowStanding: false,
        activation: { maximumDuration: "PT8H", requireApproval: true, requireMultifactorAuthentication: true },
        approverGroupObjectId: prod?.platformAdminGroupObjectId,
      },
    });
    expect(accessPolicy(tt02 as EnvironmentLayer)).toMatchObject({ model: "pim", justInTime: undefined });
    expect(grantKind(prodPolicy, { role: "operations" })).toBe("eligibility");
    expect(grantKind(prodPolicy, { role: "operations", standing: true })).toBe("eligibility");
    expect(grantKind(prodPolicy, { role: "developer" })).toBe("assignment");
  });

  it("defaults to membership, and prod grants ending within 12 months, when a layer says nothing", () => {
    const strip = (text: string) => text.replace(/ {2}# Access \(README[\s\S]*$/, "");
    const { prod } = layers({ ...fleetOf(), layers: layersWith("prod", strip) });
    expect(accessPolicy(prod as EnvironmentLayer)).toEqual({
      model: "membership",
      lifetime: {
        developer: { expiresRequired: true, maxMonths: 12 },
        operations: { expiresRequired: true, maxMonths: 12 },
      },
      justInTime: undefined,
    });
    expect(grantKind(accessPolicy(prod as EnvironmentLayer), { role: "operations" })).toBe("member");
  });

  it("lets a grant opt for standing access only where the layer allows it", () => {
    const allow = (text: string) => text.replace("allowStanding: false", "allowStanding: true");
    const { prod } = layers({ ...fleetOf(), layers: layersWith("prod", allow) });
    const policy = accessPolicy(prod as EnvironmentLayer);
    expect(grantKind(policy, { role: "operations", standing: true })).toBe("assignment");
    expect(grantKind(policy, { role: "operations" })).toBe("eligibility");
  });

  // azuread's list (group_role_management_policy_resource.go lines 204-209 at v3.8.0): P1D, not the doc's PT1D.
  it.each(["PT25H", "PT1D", "PT45M", "PT0H30M"])("refuses the activation duration %s, which azuread refuses", (bad) => {
    const problems = validateFleet(
      {
        ...fleetOf(),
        layers: layersWith("prod", (text) => text.replace("maximumDuration: PT8H", `maximumDuration: ${bad}`)),
      },
      TODAY,
    ).problems;
    expect(problems).toEqual([
      expect.objectContaining({
        file: "Pulumi.prod.yaml",
        line: expect.any(Number),
        path: "config.altinn-apps:justInTime.activation.maximumDuration",
        message: "must be PT30M to PT23H30M in half hours (PT1H, PT1H30M, …), or P1D",
      }),
    ]);
    expect(problems[0]?.line).toBeGreaterThan(0);
  });

  it.each(["PT30M", "PT1H", "PT23H30M", "P1D"])("accepts the activation duration %s", (good) => {
    const problems = validateFleet(
      {
        ...fleetOf(),
        layers: layersWith("prod", (text) => text.replace("maximumDuration: PT8H", `maximumDuration: ${good}`)),
      },
      TODAY,
    ).problems;
    expect(problems).toEqual([]);
  });

  it("has the 48 durations of azuread's list", () => {
    expect(ACTIVATION_DURATIONS).toHaveLength(48);
    expect(ACTIVATION_DURATIONS.slice(0, 4)).toEqual(["PT30M", "PT1H", "PT1H30M", "PT2H"]);
    expect(ACTIVATION_DURATIONS.slice(-3)).toEqual(["PT23H", "PT23H30M", "P1D"]);
  });

  it("requires a ticket system of a pim layer, at its accessModel line", () => {
    const problems = validateFleet(
      { ...fleetOf(), layers: layersWith("tt02", (text) => text.replace(/ {2}altinn-apps:ticketSystem:.*\n/, "")) },
      TODAY,
    ).problems;
    expect(problems).toEqual([
      expect.objectContaining({
        file: "Pulumi.tt02.yaml",
        path: "config.altinn-apps:accessModel",
        message: expect.stringMatching(/^pim requires altinn-apps:ticketSystem: PIM records a grant's ticket only/),
      }),
    ]);
    expect(problems[0]?.line).toBeGreaterThan(0);
  });
});

describe("grant lifetimes", () => {
  const prodGrant = (extra: Record<string, unknown>) => [
    { user: "ops.abc@ai-dev.brreg.no", role: "operations", environment: "prod", ...extra },
  ];
  const problemsFor = (access: Record<string, unknown>[], sources = fleetOf) =>
    validateFleet(sources(ownerYaml("abc", { access })), TODAY).problems.map(({ path, message }) => ({
      path,
      message,
    }));

  it("requires expires in prod, naming the latest allowed date", () => {
    expect(problemsFor(prodGrant({}))).toEqual([
      { path: "access[0].role", message: "operations grants in prod must set expires (at the latest 2027-11-23)" },
    ]);
  });

  it("accepts a grant exactly at the limit, and refuses one day beyond it", () => {
    expect(problemsFor(prodGrant({ expires: "2027-11-23" }))).toEqual([]);
    expect(problemsFor(prodGrant({ expires: "2027-11-24" }))).toEqual([
      {
        path: "access[0].expires",
        message:
          "2027-11-24 is beyond the 12-month limit for operations in prod: the latest allowed date is 2027-11-23",
      },
    ]);
  });

  it("leaves expiry optional in tt02", () => {
    expect(problemsFor([{ user: "dev.abc@ai-dev.no", role: "developer", environment: "tt02" }])).toEqual([]);
    expect(
      problemsFor([{ user: "dev.abc@ai-dev.no", role: "developer", environment: "tt02", expires: "2030-01-01" }]),
    ).toEqual([]);
  });

  it("refuses standing: true where the layer does not allow standing access", () => {
    expect(problemsFor(prodGrant({ expires: "2027-06-30", standing: true }))).toEqual([
      {
        path: "access[0].standing",
        message: "standing access is not allowed in prod (see the layer's justInTime)",
      },
    ]);
  });

  it("takes the limits from the layer", () => {
    const sixMonths = (text: string) => text.replace(/maxMonths: 12 \}/g, "maxMonths: 6 }");
    const sources = (...owners: Parameters<typeof fleetOf>) => ({
      ...fleetOf(...owners),
      layers: layersWith("prod", sixMonths),
    });
    expect(problemsFor(prodGrant({ expires: "2027-05-24" }), sources)).toEqual([
      {
        path: "access[0].expires",
        message: "2027-05-24 is beyond the 6-month limit for operations in prod: the latest allowed date is 2027-05-23",
      },
    ]);
  });
});

describe("which PIM schedules a deploy keeps (item: a grant ending today, deployed late)", () => {
  const policy = accessPolicy(layers(fleetOf()).prod as EnvironmentLayer);
  const grant = (extra: Record<string, unknown>) => ({
    user: "dev.abc@ai-dev.no",
    role: "developer" as const,
    ...extra,
  });
  const at = (instant: string) => ({ ownerFile: "stacks/abc.yaml", now: Date.parse(instant) });
  const endsTonight = grant({ expires: date("2027-06-30") }); // ends 2027-06-30T22:00:00Z (summer)

  it("keeps a grant through its expires day until an hour before its end, Oslo time", () => {
    expect(pimSchedules([endsTonight], policy, at("2027-06-30T00:00:00Z"))).toHaveLength(1);
    expect(pimSchedules([endsTonight], policy, at("2027-06-30T20:59:59Z"))).toHaveLength(1);
    // Later that evening PIM would get an end in the past, or within the minutes a deploy takes: none is requested.
    expect(pimSchedules([endsTonight], policy, at("2027-06-30T21:00:00Z"))).toEqual([]);
    expect(pimSchedules([endsTonight], policy, at("2027-06-30T22:30:00Z"))).toEqual([]);
  });

  it("always keeps a permanent grant, and an offline plan stands for the start of its day", () => {
    expect(scheduleIsLive(undefined, Date.parse("2099-01-01T00:00:00Z"))).toBe(true);
    expect(startOfDay(date("2027-06-30"))).toBe(Date.parse("2027-06-30T00:00:00Z"));
    expect(scheduleIsLive(endOfDayInOslo(date("2027-06-29")), startOfDay(date("2027-06-30")))).toBe(false);
  });

  it("sends a ticket with the layer's ticket system, and the owner file, ticket and reason as justification", () => {
    expect(
      pimSchedules([grant({ ticket: "ALTINN-7", reason: "Incident" })], policy, at("2027-01-01T00:00:00Z")),
    ).toEqual([
      {
        user: "dev.abc@ai-dev.no",
        kind: "assignment",
        justification: "stacks/abc.yaml: ALTINN-7: Incident",
        ticket: { number: "ALTINN-7", system: "altinndigital.no" },
      },
    ]);
  });
});
