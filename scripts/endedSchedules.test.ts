import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Group } from "@pulumi/azuread/group";
import { PrivilegedAccessGroupAssignmentSchedule } from "@pulumi/azuread/privilegedAccessGroupAssignmentSchedule";
import { PrivilegedAccessGroupEligibilitySchedule } from "@pulumi/azuread/privilegedAccessGroupEligibilitySchedule";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/cli";
import { captureOutput } from "../test/support/output";
import { endedSchedules, main } from "./endedSchedules";

const output = captureOutput();
const typeOf = (resourceClass: object): string => String(Reflect.get(resourceClass, "__pulumiType"));
const urnOf = (type: string, name: string) =>
  `urn:pulumi:abc-prod::altinn-apps::altinn:apps:ServiceOwnerEnvironment$altinn:apps:AccessGroups$altinn:apps:PrivilegedAccess$${type}::${name}`;

/** A schedule as `pulumi stack export` records it. */
function schedule(resourceClass: object, name: string, outputs: Record<string, unknown>) {
  const type = typeOf(resourceClass);
  return { urn: urnOf(type, name), custom: true, type, inputs: { assignmentType: "member" }, outputs };
}

const DEVELOPER = schedule(
  PrivilegedAccessGroupAssignmentSchedule,
  "altinn-apps-abc-prod-developer-dev.abc@ai-dev.no",
  {
    expirationDate: "2027-01-31T23:00:00Z",
    permanentAssignment: false,
  },
);
const OPERATIONS = schedule(
  PrivilegedAccessGroupEligibilitySchedule,
  "altinn-apps-abc-prod-operations-ops.abc@ai-dev.no",
  {
    expirationDate: "2027-06-30T22:00:00Z",
  },
);
const PERMANENT = schedule(
  PrivilegedAccessGroupAssignmentSchedule,
  "altinn-apps-abc-tt02-developer-dev.abc@ai-dev.no",
  {
    expirationDate: "",
    permanentAssignment: true,
  },
);
const GROUP = { urn: urnOf(typeOf(Group), "altinn-apps-abc-prod-developer"), type: typeOf(Group), outputs: {} };
const checkpoint = (...resources: object[]) => ({ version: 3, deployment: { resources } });
const STATE = checkpoint(GROUP, DEVELOPER, OPERATIONS, PERMANENT);

describe("the PIM schedules a deploy forgets", () => {
  it("are those Entra ID has ended: never a permanent one, nor anything else", () => {
    expect(endedSchedules(STATE, Date.parse("2027-02-01T00:10:00Z"))).toEqual([DEVELOPER.urn]);
    expect(endedSchedules(STATE, Date.parse("2027-07-01T00:10:00Z"))).toEqual([DEVELOPER.urn, OPERATIONS.urn]);
  });

  it("include one ending within the hour, and none ending later", () => {
    expect(endedSchedules(STATE, Date.parse("2027-01-31T22:00:00Z"))).toEqual([DEVELOPER.urn]);
    expect(endedSchedules(STATE, Date.parse("2027-01-31T21:59:59Z"))).toEqual([]);
  });

  it("read the inputs when a schedule has no outputs yet", () => {
    const { outputs: _outputs, ...created } = DEVELOPER;
    const fromInputs = { ...created, inputs: { expirationDate: "2027-01-31T23:00:00Z" } };
    expect(endedSchedules(checkpoint(fromInputs), Date.parse("2027-02-01T00:10:00Z"))).toEqual([DEVELOPER.urn]);
  });

  it("refuse what is not a stack export", () => {
    expect(() => endedSchedules({ resources: [] }, Date.now())).toThrow("not a Pulumi stack export");
  });
});

describe("npm run ended-schedules", () => {
  const stateFile = (content: string) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "ended-")), "state.json");
    writeFileSync(file, content);
    return file;
  };

  it("prints one URN a line, as of --now", async () => {
    const file = stateFile(JSON.stringify(STATE));
    expect(await runCli("endedSchedules", main, ["--state", file, "--now", "2027-02-01T00:10:00Z"])).toBe(0);
    expect(output.stdout()).toBe(`${DEVELOPER.urn}\n`);
  });

  it("exits 1 naming the problem for a file that is not a stack export, 2 for a bad --now", async () => {
    expect(await runCli("endedSchedules", main, ["--state", stateFile("{}")])).toBe(1);
    expect(output.stderr()).toBe("ended-schedules: not a Pulumi stack export: no deployment.resources\n");
    expect(await runCli("endedSchedules", main, ["--state", stateFile("{}"), "--now", "tomorrow"])).toBe(2);
  });
});
