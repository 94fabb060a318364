import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { syntheticOwners, writeFleet } from "../bench/fleet";
import { loadFleet } from "../files/fleetReader";
import { parseIsoDate } from "../infra/model/dates";
import { TODAY } from "./support/fleet";

describe("the benchmark fleet generator", () => {
  it("writes fleets that are valid by construction", () => {
    const root = mkdtempSync(path.join(tmpdir(), "fleet-"));
    writeFleet(root, { owners: syntheticOwners(12), grantsPerOwner: 30, grantsExpire: parseIsoDate("2027-05-31") });
    const { fleet, problems } = loadFleet(root, TODAY);
    expect(problems).toEqual([]);
    expect(fleet.owners).toHaveLength(12);
    expect(fleet.owners.every((owner) => owner.owner.access.length === 30)).toBe(true);
    expect(fleet.owners.filter((owner) => owner.owner.environments.prod)).toHaveLength(6);
  });
});
