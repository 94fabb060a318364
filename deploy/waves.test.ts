import { describe, expect, it } from "vitest";
import { GITHUB_MATRIX_LIMIT, planWaves, shard, stacksBehind, waveOutputs } from "./waves";

const fleet = (owners: number) =>
  Array.from({ length: owners }, (_, index) => `o${String(index).padStart(3, "0")}`).flatMap((org) => [
    `${org}-tt02`,
    `${org}-prod`,
  ]);

describe("deploy waves", () => {
  it("starts each environment with its canary, then batches", () => {
    const stacks = ["brg-tt02", "brg-prod", "ttd-tt02", "ttd-prod", "digdir-tt02"];
    const waves = planWaves(stacks, { canaryOwners: ["ttd"], batchSize: 2, batchSlots: 3 });
    expect(waves).toEqual({
      tt02: { canary: ["ttd-tt02"], batches: [["brg-tt02", "digdir-tt02"]] },
      prod: { canary: ["ttd-prod"], batches: [["brg-prod"]] },
    });
    expect(waveOutputs(waves, 2)).toEqual({
      "tt02-canary": '["ttd-tt02"]',
      "tt02-batch-1": '["brg-tt02","digdir-tt02"]',
      "tt02-batch-2": "[]",
      "prod-canary": '["ttd-prod"]',
      "prod-batch-1": '["brg-prod"]',
      "prod-batch-2": "[]",
    });
  });

  it("makes the first selected stack the canary when no canary owner is selected", () => {
    const waves = planWaves(["brg-prod", "digdir-prod"], { canaryOwners: ["ttd"], batchSize: 10, batchSlots: 1 });
    expect(waves.prod).toEqual({ canary: ["brg-prod"], batches: [["digdir-prod"]] });
    expect(waves.tt02).toEqual({ canary: [], batches: [] });
  });

  it("never gives a batch more jobs than GitHub's matrix limit, at 300 owners", () => {
    const waves = planWaves(fleet(300), { canaryOwners: ["o000"], batchSize: 200, batchSlots: 3 });
    for (const wave of Object.values(waves)) {
      expect(wave.batches.flat()).toHaveLength(299);
      for (const batch of wave.batches) expect(batch.length).toBeLessThanOrEqual(GITHUB_MATRIX_LIMIT);
    }
    expect(() => planWaves(fleet(300), { canaryOwners: [], batchSize: 300, batchSlots: 3 })).toThrow(
      "a batch holds 1 to 256 stacks",
    );
    expect(() => planWaves(fleet(700), { canaryOwners: [], batchSize: 200, batchSlots: 3 })).toThrow(
      "tt02: 699 stacks after the canary need 4 batches of 200, the workflow has 3",
    );
  });

  it("shards drift's stacks under the matrix limit", () => {
    const shards = shard(fleet(300), 200, 4);
    expect(shards.map((group) => group.length)).toEqual([200, 200, 200, 0]);
    expect(() => shard(fleet(300), 100, 4)).toThrow("600 stacks need 6 shards of 100, the workflow has 4");
  });
});

describe("stacks still behind after a run", () => {
  it("names failed, cancelled, not deployed and never started stacks; not the deployed ones", () => {
    const up = (conclusion: string) => [{ name: "pulumi up", conclusion }];
    const behind = stacksBehind(
      ["a-tt02", "b-tt02", "c-tt02", "d-tt02", "e-tt02"],
      [
        { name: "tt02-batch-1 / up (a-tt02)", conclusion: "success", steps: up("success") },
        { name: "tt02-batch-1 / up (b-tt02)", conclusion: "failure", steps: up("failure") },
        { name: "tt02-batch-1 / up (c-tt02)", conclusion: "cancelled", steps: up("cancelled") },
        { name: "tt02-batch-1 / up (d-tt02)", conclusion: "success", steps: up("skipped") },
      ],
    );
    expect(behind.map(({ stack, why }) => `${stack}: ${why.split(":")[0]}`)).toEqual([
      "b-tt02: failed",
      "c-tt02: cancelled",
      "d-tt02: not deployed",
      "e-tt02: not started (an earlier wave failed, or the run was cancelled)",
    ]);
  });
});
