import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../cli/cli";
import { CONTRACTS_DIRECTORY, type ProviderContract } from "../contracts/usage";
import { captureOutput } from "../test/support/output";
import { main } from "./generateContracts";

const output = captureOutput();
const NAT = "azure-native:network:NatGateway";
const run = (...argv: string[]) => runCli("generateContracts", main, argv);

/** A checkout of azure-rest-api-specs that holds one file: a NAT gateway's PUT at 2024-05-01, nothing it refers to. */
function specsCheckout(): string {
  const root = mkdtempSync(path.join(tmpdir(), "specs-"));
  const folder = path.join(root, "specification/network/resource-manager/Microsoft.Network/stable/2024-05-01");
  mkdirSync(folder, { recursive: true });
  const spec = {
    swagger: "2.0",
    paths: {
      "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/natGateways/{natGatewayName}":
        {
          put: {
            parameters: [
              { name: "resourceGroupName", in: "path", required: true, type: "string" },
              { name: "natGatewayName", in: "path", required: true, type: "string" },
              { name: "parameters", in: "body", required: true, schema: { $ref: "#/definitions/NatGateway" } },
            ],
          },
        },
    },
    definitions: {
      NatGateway: {
        properties: {
          properties: { "x-ms-client-flatten": true, $ref: "#/definitions/NatGatewayPropertiesFormat" },
          sku: { $ref: "./network.json#/definitions/Sku" },
        },
      },
      NatGatewayPropertiesFormat: {
        properties: { idleTimeoutInMinutes: { type: "integer", maximum: 120 } },
      },
    },
  };
  writeFileSync(path.join(folder, "natGateway.json"), JSON.stringify(spec, null, 2));
  return root;
}

/**
 * pulumi-azure-native with its replacement table only, without a NAT gateway entry: a folder of copied files, which
 * lies inside some other git repository.
 */
function azureNativeCheckout(): string {
  const outer = mkdtempSync(path.join(tmpdir(), "outer-repository-"));
  const git = (...args: string[]) => execFileSync("git", ["-C", outer, ...args], { stdio: "ignore" });
  git("init", "-q");
  git("-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "--allow-empty", "-m", "outer");
  const root = path.join(outer, "azure-native");
  mkdirSync(path.join(root, "provider/pkg/gen"), { recursive: true });
  writeFileSync(
    path.join(root, "provider/pkg/gen/replacement.go"),
    'var forceNewMap = map[openapi.ModuleName]map[string]codegen.StringSet{\n\t"Resources": {\n\t\t"ResourceGroup": codegen.NewStringSet("location"),\n\t},\n}\n',
  );
  return root;
}

/** An output folder holding the committed contracts. */
function committedCopy(): string {
  const out = mkdtempSync(path.join(tmpdir(), "contracts-"));
  for (const file of ["azure-native.json", "azuread.json"])
    copyFileSync(path.join(CONTRACTS_DIRECTORY, file), path.join(out, file));
  return out;
}

const read = (out: string) => JSON.parse(readFileSync(path.join(out, "azure-native.json"), "utf8")) as ProviderContract;

describe("generate-contracts", () => {
  it("refuses an --only type the program does not register, and --azuread with --only or missing without it", async () => {
    expect(await run("--specs", "/", "--azure-native", "/", "--only", "azure-native:web:WebApp")).toBe(2);
    expect(output.stderr()).toContain("--only azure-native:web:WebApp: not an azure-native type the program registers");
    expect(await run("--specs", "/", "--azure-native", "/", "--azuread", "/", "--only", NAT)).toBe(2);
    expect(await run("--specs", "/", "--azure-native", "/")).toBe(2);
    expect(output.stderr()).toContain("--azuread is required");
  });

  it("--only rewrites the named type from the checkout and keeps every other one, azuread.json untouched", async () => {
    const out = committedCopy();
    const before = read(out);
    const azureadBefore = readFileSync(path.join(out, "azuread.json"), "utf8");
    const code = await run(
      ...["--specs", specsCheckout(), "--azure-native", azureNativeCheckout(), "--only", NAT, "--out", out],
      ...["--source", "specs=natGateway.json, written by the test"],
    );
    expect(output.stderr()).toBe("");
    expect(code).toBe(0);
    const after = read(out);
    const nat = after.types[NAT];
    expect(nat?.source).toBe(
      "specification/network/resource-manager/Microsoft.Network/stable/2024-05-01/natGateway.json",
    );
    expect(nat?.inputs.properties?.["idleTimeoutInMinutes"]?.rules).toContainEqual({
      kind: "maximum",
      limit: 120,
      exclusive: false,
      source: expect.stringMatching(/natGateway\.json:\d+$/),
    });
    expect(after.unchecked).toContainEqual(
      expect.objectContaining({
        type: NAT,
        property: "*",
        source: "specification/network/resource-manager/Microsoft.Network/stable/2024-05-01/network.json",
      }),
    );
    for (const [type, contract] of Object.entries(before.types))
      if (type !== NAT) expect(after.types[type]).toEqual(contract);
    expect(after.sources["Azure/azure-rest-api-specs"]).toMatch(
      new RegExp(`; and for ${NAT}: natGateway\\.json, written by the test$`),
    );
    // Not the outer repository's commit: the folder is no checkout of pulumi-azure-native.
    expect(after.sources["pulumi/pulumi-azure-native"]).toMatch(/\(not a git checkout\)$/);
    expect(readFileSync(path.join(out, "azuread.json"), "utf8")).toBe(azureadBefore);
  });

  it("--only writes nothing when the checkout lacks a type that has a contract", async () => {
    const out = committedCopy();
    const before = readFileSync(path.join(out, "azure-native.json"), "utf8");
    const vault = "azure-native:keyvault:Vault";
    const code = await run(
      ...["--specs", specsCheckout(), "--azure-native", azureNativeCheckout(), "--only", vault, "--out", out],
    );
    expect(code).toBe(1);
    expect(output.stderr()).toContain(`${vault}: not found in the given checkout`);
    expect(readFileSync(path.join(out, "azure-native.json"), "utf8")).toBe(before);
  });
});
