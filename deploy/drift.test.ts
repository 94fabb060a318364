import { describe, expect, it } from "vitest";
import { classify, differencesOf, driftReport } from "./drift";

const MAIN = "m".repeat(40);
const urn = (type: string, name: string) => `urn:pulumi:digdir-prod::altinn-apps::altinn:apps:Owner$${type}::${name}`;
const preview = (steps: unknown[]) => JSON.stringify({ steps, changeSummary: {} });
const vaultUpdate = {
  op: "update",
  urn: urn("azure-native:keyvault:Vault", "digdir-prod-kv"),
  diffReasons: ["properties"],
  detailedDiff: { "properties.networkAcls.defaultAction": { kind: "update", inputDiff: false } },
};

describe("drift from a preview", () => {
  it("lists each resource that would change with its properties; unchanged and read resources are no drift", () => {
    const json = preview([
      { op: "same", urn: urn("azure-native:resources:ResourceGroup", "rg") },
      { op: "read", urn: urn("azuread:index/getUsers:getUsers", "users") },
      vaultUpdate,
      { op: "replace", urn: urn("azure-native:containerservice:AgentPool", "user"), replaceReasons: ["vmSize"] },
    ]);
    expect(differencesOf(json)).toEqual([
      {
        type: "azure-native:keyvault:Vault",
        name: "digdir-prod-kv",
        op: "update",
        properties: ["properties.networkAcls.defaultAction"],
      },
      { type: "azure-native:containerservice:AgentPool", name: "user", op: "replace", properties: ["vmSize"] },
    ]);
    expect(differencesOf(JSON.stringify({}))).toEqual([]);
    expect(() => differencesOf("not json")).toThrow();
  });

  it("calls a difference drift only on a stack deployed at main; else an undeployed change", () => {
    expect(classify("digdir-prod", MAIN, MAIN, preview([vaultUpdate])).status).toBe("drift");
    expect(classify("digdir-prod", MAIN, "a".repeat(40), preview([vaultUpdate])).status).toBe("behind");
    expect(classify("digdir-prod", MAIN, undefined, preview([vaultUpdate])).status).toBe("behind");
    expect(classify("digdir-prod", MAIN, MAIN, preview([])).status).toBe("clean");
  });

  it("reports drift by stack, resource and property, undeployed changes apart, and escapes what it quotes", () => {
    const report = driftReport(
      [
        classify("digdir-prod", MAIN, MAIN, preview([vaultUpdate])),
        classify("brg-tt02", MAIN, "a".repeat(40), preview([vaultUpdate])),
        classify("ttd-tt02", MAIN, MAIN, preview([])),
        { stack: "skd-prod", status: "error", message: "<!-- hidden --> [x](y)" },
      ],
      { main: MAIN, runUrl: "https://github.com/run/1", date: "2026-12-05" },
    );
    expect(report.drifted).toEqual(["digdir-prod"]);
    expect(report.behind).toEqual(["brg-tt02"]);
    expect(report.failed).toEqual(["skd-prod"]);
    expect(report.markdown).toContain(
      "| `digdir-prod` | `azure-native:keyvault:Vault` | `digdir-prod-kv` | update | `properties.networkAcls.defaultAction` |",
    );
    expect(report.markdown).toContain("- `brg-tt02`: deployed at `aaaaaaa`, 1 resource(s) differ");
    expect(report.markdown).not.toContain("<!--");
    const drift = report.markdown.slice(0, report.markdown.indexOf("## Undeployed"));
    expect(drift).not.toContain("brg-tt02");
  });
});
