import { describe, expect, it } from "vitest";
import {
  ACCEPTED_TERMS,
  fleetOf,
  ownerSource,
  ownerYaml,
  REPO_SOURCES,
  subscriptionOf,
  TODAY,
} from "../../test/support/fleet";
import { parseIsoDate } from "./dates";
import { validateFleet } from "./fleet";
import { windowUtcOffset } from "./maintenance";
import { isValidOrgNumber } from "./orgNumber";
import type { Problem } from "./problem";
import { resolveOwnerEnvironment } from "./ownerEnvironment";

function problemsOf(...owners: Parameters<typeof fleetOf>): Problem[] {
  return validateFleet(fleetOf(...owners), TODAY).problems;
}

function messages(problems: Problem[]): string[] {
  return problems.map(
    (problem) => `${problem.file}:${problem.line}:${problem.column} ${problem.path}: ${problem.message}`,
  );
}

describe("the sample fleet", () => {
  it("is valid, with both environment layers and every owner file", () => {
    const { fleet, problems } = validateFleet(REPO_SOURCES, TODAY);
    expect(problems).toEqual([]);
    expect(Object.keys(fleet.layers).sort()).toEqual(["prod", "tt02"]);
    expect(fleet.owners.map((owner) => owner.owner.org).sort()).toEqual(["brg", "digdir", "krt", "nav", "skd", "ttd"]);
  });
});

describe("organisation numbers", () => {
  it.each(["991825827", "974760673", "889640782"])("accepts the real number %s", (number) => {
    expect(isValidOrgNumber(number)).toBe(true);
  });
  it.each(["999999990", "991825828", "12345678", "9918258270", "99182582a"])("rejects %s", (number) => {
    expect(isValidOrgNumber(number)).toBe(false);
  });
  it("rejects a number whose check digit would be 10", () => {
    // 4 × weight 3 = 12 ≡ 1 (mod 11), so the check digit would be 11 − 1 = 10: no last digit makes it valid.
    for (const last of "0123456789") expect(isValidOrgNumber(`40000000${last}`)).toBe(false);
  });
  it("reports a bad check digit at the field's line", () => {
    expect(messages(problemsOf(ownerYaml("abc", { orgNumber: "999999990" })))).toEqual([
      "stacks/abc.yaml:5:12 orgNumber: must be 9 digits with a valid modulus-11 check digit",
    ]);
  });
  it("is required unless the owner is a test owner", () => {
    const withoutNumber = ownerYaml("abc", { orgNumber: undefined });
    expect(messages(problemsOf(withoutNumber))).toEqual([
      "stacks/abc.yaml:1:1 orgNumber: required (only a test owner marked testOwner: true may omit it)",
    ]);
    expect(problemsOf(ownerYaml("abc", { orgNumber: undefined, testOwner: true }))).toEqual([]);
  });
});

describe("one owner file", () => {
  it("reports a YAML syntax error with its position and nothing else", () => {
    const problems = problemsOf(ownerSource("abc", "org: abc\nname: [unclosed\ncontact: x\n"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: "stacks/abc.yaml", line: expect.any(Number), path: "" });
    expect(problems[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it("reports an alias without its anchor instead of crashing", () => {
    expect(problemsOf(ownerSource("abc", "org: abc\naccess: *grants\n"))).toEqual([
      expect.objectContaining({ file: "stacks/abc.yaml", path: "", message: expect.stringMatching(/alias/i) }),
    ]);
  });

  it("reports duplicate keys as a YAML error", () => {
    const problems = problemsOf(ownerSource("abc", "org: abc\norg: abd\n"));
    expect(problems[0]).toMatchObject({ line: 2, column: 1 });
    expect(problems[0]?.message).toMatch(/unique/i);
  });

  it("collects every problem of a broken file, sorted by line, each with its field path", () => {
    const text = [
      "org: abc", // 1
      "name:", // 2
      "  nb: Etat", // 3
      "  en: Agency", // 4
      "  sv: Byrå", // 5 unknown key
      "orgNumber: 999999990", // 6 bad check digit
      "contact: not-an-email", // 7
      "environments:", // 8
      "  tt02:", // 9
      "    subscriptionId: 123", // 10 wrong type
      "users:", // 11
      "  - upn: kari@ai-dev.no", // 12
      "    name: Kari", // 13
      "access:", // 14
      "  - user: kari@ai-dev.no", // 15
      "    role: admin", // 16 not a role
      "    environment: tt02", // 17
      "    expire: 2027-01-01", // 18 typo of expires
    ].join("\n");
    expect(messages(problemsOf(ownerSource("abc", text)))).toEqual([
      'stacks/abc.yaml:5:3 name.sv: unknown key "sv" (allowed: nb, en, nn)',
      'stacks/abc.yaml:6:12 orgNumber: must be text: YAML read this as the number 999999990, so put the value in quotes ("…")',
      "stacks/abc.yaml:7:10 contact: must be an e-mail address",
      'stacks/abc.yaml:10:21 environments.tt02.subscriptionId: must be text: YAML read this as the number 123, so put the value in quotes ("…")',
      "stacks/abc.yaml:16:11 access[0].role: must be one of developer, operations",
      'stacks/abc.yaml:18:5 access[0].expire: unknown key "expire" (did you mean "expires"?)',
    ]);
  });

  it("rejects unknown top-level keys instead of ignoring them", () => {
    const problems = problemsOf(ownerYaml("abc", { acess: [] }));
    expect(problems.map((problem) => [problem.path, problem.message])).toEqual([
      ["acess", 'unknown key "acess" (did you mean "access"?)'],
    ]);
  });

  it("reports a missing required field at its parent", () => {
    const problems = problemsOf(
      ownerSource(
        "abc",
        "org: abc\nname:\n  en: Agency\norgNumber: '991825827'\ncontact: a@b.no\nenvironments:\n  tt02:\n    subscriptionId: 11111111-1111-4111-8111-111111111111\n",
      ),
    );
    expect(messages(problems)).toEqual(["stacks/abc.yaml:3:3 name.nb: required"]);
  });

  it("requires at least one environment", () => {
    expect(messages(problemsOf(ownerYaml("abc", { environments: {} })))).toEqual([
      expect.stringMatching(/ environments: must list tt02, prod or both$/),
    ]);
  });

  it("rejects an org code that does not fit the naming limits", () => {
    expect(problemsOf(ownerYaml("toolongorg", { org: "toolongorg" })).map((problem) => problem.path)).toEqual(["org"]);
    expect(
      problemsOf(ownerYaml("ab_c", { org: "ab_c", contact: "post@abc.no" })).map((problem) => problem.path),
    ).toEqual(["org"]);
  });

  it("rejects an org code that starts with a digit: the Key Vault name <org>-<env>-apps-kv must start with a letter", () => {
    expect(messages(problemsOf(ownerYaml("1abc", { org: "1abc" })))).toEqual([
      expect.stringMatching(
        /^stacks\/1abc\.yaml:\d+:\d+ org: must be 2-8 lower-case letters or digits, starting with a letter$/,
      ),
    ]);
  });

  it("requires org to equal the file name", () => {
    expect(messages(problemsOf(ownerSource("abc", ownerYaml("xyz").text ?? "")))).toEqual([
      'stacks/abc.yaml:1:6 org: "xyz" must equal the file name (abc.yaml)',
    ]);
  });

  it("validates the terms-of-use record's shape", () => {
    const terms = { ...ACCEPTED_TERMS, acceptedAt: "2025-02-30", riskAssessment: "yes" };
    expect(problemsOf(ownerYaml("abc", { termsOfUse: terms })).map((problem) => problem.path)).toEqual([
      "termsOfUse.acceptedAt",
      "termsOfUse.riskAssessment",
    ]);
  });
});

describe("rules across sections and files", () => {
  const users = [
    { upn: "kari@ai-dev.no", name: "Kari" },
    { upn: "ola@gmail.com", name: "Ola" },
  ];

  it("checks an owner's own network ranges once merged with the layer", () => {
    const environments = {
      tt02: { subscriptionId: subscriptionOf("abc", "tt02") },
      prod: { subscriptionId: subscriptionOf("abc", "prod"), network: { addressSpace: "10.200.0.0/22" } },
    };
    expect(problemsOf(ownerYaml("abc", { environments })).map((problem) => [problem.path, problem.message])).toEqual([
      [
        "environments.prod.network",
        "nodeSubnet: 10.124.0.0/23 is not inside the address space 10.200.0.0/22 once merged with the prod layer",
      ],
      [
        "environments.prod.network",
        "endpointSubnet: 10.124.2.0/27 is not inside the address space 10.200.0.0/22 once merged with the prod layer",
      ],
    ]);
  });

  it("checks what an environment adopts: the id's form, its subscription and its name against the naming table", () => {
    const subscription = subscriptionOf("abc", "prod");
    const group = `/subscriptions/${subscription}/resourceGroups`;
    const adopt = {
      // Right, but for the case of ARM's fixed segments, which ARM ignores.
      clusterResourceGroup: `/SUBSCRIPTIONS/${subscription}/resourcegroups/altinnapps-abc-prod-rg`,
      monitorResourceGroup: "monitor-abc-prod-rg",
      keyVault: `/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/altinnapps-abc-prod-rg/providers/Microsoft.KeyVault/vaults/abc-prod-apps-kv`,
      logAnalyticsWorkspace: `${group}/monitor-abc-prod-rg/providers/Microsoft.OperationalInsights/workspaces/abc-prod-law`,
      applicationInsights: `${group}/altinnapps-abc-prod-rg/providers/Microsoft.Insights/components/abc-prod-ai`,
      managedCluster: `${group}/altinnapps-abc-prod-rg/providers/Microsoft.KeyVault/vaults/abc-prod-aks`,
      developerGroup: "not-a-guid",
      keyvault: "typo",
    };
    const environments = {
      tt02: { subscriptionId: subscriptionOf("abc", "tt02") },
      prod: { subscriptionId: subscription, adopt },
    };
    expect(problemsOf(ownerYaml("abc", { environments })).map((problem) => [problem.path, problem.message])).toEqual([
      ["environments.prod.adopt.keyvault", 'unknown key "keyvault" (did you mean "keyVault"?)'],
    ]);
    delete (adopt as Partial<typeof adopt>).keyvault;
    const problems = problemsOf(ownerYaml("abc", { environments }));
    expect(problems.every((problem) => problem.file === "stacks/abc.yaml" && problem.line > 0)).toBe(true);
    expect(problems.map((problem) => [problem.path, problem.message])).toEqual([
      [
        "environments.prod.adopt.monitorResourceGroup",
        `must be an Azure resource id like /subscriptions/${subscription}/resourceGroups/monitor-abc-prod-rg`,
      ],
      [
        "environments.prod.adopt.keyVault",
        `is in subscription 11111111-1111-4111-8111-111111111111, not this environment's ${subscription}`,
      ],
      [
        "environments.prod.adopt.logAnalyticsWorkspace",
        'names "abc-prod-law", but this repository names it "application-abc-prod-law" (infra/naming.ts): only a resource with exactly that name can be adopted',
      ],
      [
        "environments.prod.adopt.applicationInsights",
        'is in resource group "altinnapps-abc-prod-rg", but this repository puts it in "monitor-abc-prod-rg" (infra/naming.ts)',
      ],
      [
        "environments.prod.adopt.managedCluster",
        "is a Microsoft.KeyVault/vaults, not a Microsoft.ContainerService/managedClusters",
      ],
      [
        "environments.prod.adopt.developerGroup",
        "must be the object id (a lower-case GUID) of the existing Entra ID group for developer",
      ],
    ]);
  });

  it("rejects a login domain that is not allowed", () => {
    const problems = problemsOf(ownerYaml("abc", { users, access: [] }));
    expect(problems.map((problem) => [problem.path, problem.message])).toEqual([
      ["users[1].upn", 'login domain "gmail.com" is not allowed (allowed: ai-dev.no, ai-dev.brreg.no)'],
    ]);
  });

  it("requires a grant's user to be registered with the same owner", () => {
    const access = [{ user: "nobody@ai-dev.no", role: "developer", environment: "tt02" }];
    expect(problemsOf(ownerYaml("abc", { access })).map((problem) => [problem.path, problem.message])).toEqual([
      ["access[0].user", "nobody@ai-dev.no is not registered in this owner's users"],
    ]);
  });

  it("rejects duplicate grants and duplicate users", () => {
    const grant = { user: "dev.abc@ai-dev.no", role: "developer", environment: "tt02" };
    const duplicateUser = { upn: "dev.abc@ai-dev.no", name: "Again" };
    const problems = problemsOf(
      ownerYaml("abc", { access: [grant, { ...grant, ticket: "T-2" }], users: [duplicateUser, duplicateUser] }),
    );
    expect(problems.map((problem) => [problem.path, problem.message])).toEqual([
      ["users[1].upn", "dev.abc@ai-dev.no is already registered at users[0]"],
      ["access[1].user", "duplicate grant: access[0] already gives dev.abc@ai-dev.no developer in tt02"],
    ]);
  });

  it("rejects a grant for an environment the owner does not have", () => {
    const environments = { tt02: { subscriptionId: "11111111-1111-4111-8111-111111111111" } };
    const access = [{ user: "dev.abc@ai-dev.no", role: "developer", environment: "prod" }];
    expect(problemsOf(ownerYaml("abc", { environments, access, termsOfUse: undefined }))).toMatchObject([
      { path: "access[0].environment", message: "this owner has no prod environment (see environments)" },
    ]);
  });

  it("rejects an expired grant and says to remove it; a grant is valid through its expiry day", () => {
    const grant = { user: "dev.abc@ai-dev.no", role: "developer", environment: "tt02" };
    const access = [
      { ...grant, expires: "2026-11-22" },
      { ...grant, role: "operations", expires: "2026-11-23" },
    ];
    expect(problemsOf(ownerYaml("abc", { access }))).toMatchObject([
      {
        path: "access[0].expires",
        message:
          "the date 2026-11-22 is in the past (today is 2026-11-23): the grant has ended, so remove it from access, " +
          "or correct the date if the grant is new",
      },
    ]);
    const later = validateFleet(fleetOf(ownerYaml("abc", { access })), parseIsoDate("2026-11-24")).problems;
    expect(later.map((problem) => problem.path)).toEqual(["access[0].expires", "access[1].expires"]);
  });

  it("reports a user registered with two owners in both files", () => {
    const shared = { upn: "shared@ai-dev.no", name: "Shared" };
    const problems = problemsOf(
      ownerYaml("abc", { users: [shared], access: [] }),
      ownerYaml("xyz", { users: [shared], access: [] }),
    );
    expect(problems.map((problem) => [problem.file, problem.message])).toEqual([
      [
        "stacks/abc.yaml",
        "shared@ai-dev.no is also registered with stacks/xyz.yaml: a user belongs to one service owner",
      ],
      [
        "stacks/xyz.yaml",
        "shared@ai-dev.no is also registered with stacks/abc.yaml: a user belongs to one service owner",
      ],
    ]);
  });

  it("refuses a subscription shared by two owners or by one owner's tt02 and prod, naming both places", () => {
    const shared = "33333333-3333-4333-8333-333333333333";
    const problems = problemsOf(
      ownerYaml("abc", {
        environments: { tt02: { subscriptionId: shared }, prod: { subscriptionId: shared } },
      }),
      ownerYaml("xyz", {
        environments: { tt02: { subscriptionId: "44444444-4444-4444-8444-444444444444" } },
        access: [],
      }),
      ownerYaml("qrs", {
        environments: { tt02: { subscriptionId: "44444444-4444-4444-8444-444444444444" } },
        access: [],
      }),
    );
    const rule = ": a subscription belongs to one owner and one environment";
    expect(messages(problems)).toEqual([
      `stacks/abc.yaml:9:21 environments.tt02.subscriptionId: ${shared} is also used at stacks/abc.yaml:11 (environments.prod.subscriptionId)${rule}`,
      `stacks/abc.yaml:11:21 environments.prod.subscriptionId: ${shared} is also used at stacks/abc.yaml:9 (environments.tt02.subscriptionId)${rule}`,
      `stacks/qrs.yaml:9:21 environments.tt02.subscriptionId: 44444444-4444-4444-8444-444444444444 is also used at stacks/xyz.yaml:9 (environments.tt02.subscriptionId)${rule}`,
      `stacks/xyz.yaml:9:21 environments.tt02.subscriptionId: 44444444-4444-4444-8444-444444444444 is also used at stacks/qrs.yaml:9 (environments.tt02.subscriptionId)${rule}`,
    ]);
  });

  it("checks an owner's location and merged cluster overrides against the environment layer", () => {
    const environments = {
      tt02: {
        subscriptionId: "11111111-1111-4111-8111-111111111111",
        location: "westeurope",
        cluster: { minNodes: 8 },
      },
      prod: { subscriptionId: "22222222-2222-4222-8222-222222222222", location: "westeurope" },
    };
    expect(problemsOf(ownerYaml("abc", { environments })).map((problem) => [problem.path, problem.message])).toEqual([
      ["environments.tt02.cluster", "minNodes (8) must not exceed maxNodes (6) once merged with the tt02 defaults"],
      ["environments.prod.location", '"westeurope" is not an allowed region in prod (allowed: norwayeast)'],
    ]);
  });
});

describe("environment layers", () => {
  const prodLayer = REPO_SOURCES.layers.prod.text ?? "";

  function layerProblems(prodText: string | undefined): Problem[] {
    return validateFleet(
      { layers: { ...REPO_SOURCES.layers, prod: { file: "Pulumi.prod.yaml", text: prodText } }, owners: [] },
      TODAY,
    ).problems;
  }

  it("requires the terms-of-use version in prod", () => {
    const text = prodLayer.replace(/^ {2}altinn-apps:termsOfUseVersion:.*$/m, "");
    expect(layerProblems(text).map((problem) => problem.message)).toEqual([
      "prod requires altinn-apps:termsOfUseVersion: the terms every prod owner must have accepted",
    ]);
  });

  it("requires the environment key to match the file and rejects unknown keys", () => {
    const text = prodLayer.replace("altinn-apps:environment: prod", "altinn-apps:environment: tt02");
    expect(layerProblems(text).map((problem) => problem.message)).toEqual(['must be "prod" in Pulumi.prod.yaml']);
    const typo = prodLayer.replace("altinn-apps:logRetentionDays", "altinn-apps:logRetentionDay");
    expect(layerProblems(typo).map((problem) => problem.path)).toEqual(["config.altinn-apps:logRetentionDay"]);
  });

  it("requires the API server's IP ranges: it is never private, so the ranges are its only restriction", () => {
    const withoutRanges = prodLayer.replace(/( {2}altinn-apps:apiServerAuthorizedIpRanges:)\n(\s+- .*\n)+/, "$1 []\n");
    expect(layerProblems(withoutRanges).map((problem) => [problem.path, problem.message])).toEqual([
      [
        "config.altinn-apps:apiServerAuthorizedIpRanges",
        "must list at least one range: the API server is reachable only from these",
      ],
    ]);
    const privateCluster = prodLayer.replace(
      "altinn-apps:apiServerAuthorizedIpRanges:",
      "altinn-apps:apiServerAccess: private\n  altinn-apps:apiServerAuthorizedIpRanges:",
    );
    expect(layerProblems(privateCluster).map((problem) => problem.path)).toEqual([
      "config.altinn-apps:apiServerAccess",
    ]);
  });

  it("checks the owner network, maintenance windows and the apps' service account", () => {
    const text = prodLayer
      .replace("nodeSubnet: 10.124.0.0/23", "nodeSubnet: 10.124.0.0")
      .replace("egressPrefixLength: 30", "egressPrefixLength: 24")
      .replace("durationHours: 4, timeZone", "durationHours: 2, timeZone")
      .replace("dayOfWeek: Thursday", "dayOfWeek: Torsdag")
      .replace("name: altinn-apps #", "name: Altinn_Apps #");
    expect(layerProblems(text).map((problem) => problem.path)).toEqual([
      "config.altinn-apps:network.nodeSubnet",
      "config.altinn-apps:network.egressPrefixLength",
      "config.altinn-apps:maintenance.clusterUpgrade.durationHours",
      "config.altinn-apps:maintenance.nodeOsUpgrade.dayOfWeek",
      "config.altinn-apps:appServiceAccount.name",
    ]);
  });

  it("parses the owner network's blocks: no host bits, both subnets inside the address space and apart", () => {
    const text = prodLayer.replace("addressSpace: 10.124.0.0/22", "addressSpace: 10.124.0.1/22");
    expect(layerProblems(text).map((problem) => [problem.path, problem.message])).toEqual([
      ["config.altinn-apps:network.addressSpace", '"10.124.0.1/22" has host bits set: the network is 10.124.0.0/22'],
    ]);
    const outside = prodLayer.replace("endpointSubnet: 10.124.2.0/27", "endpointSubnet: 10.124.4.0/27");
    expect(layerProblems(outside).map((problem) => [problem.path, problem.message])).toEqual([
      ["config.altinn-apps:network.endpointSubnet", "10.124.4.0/27 is not inside the address space 10.124.0.0/22"],
    ]);
    const overlapping = prodLayer.replace("endpointSubnet: 10.124.2.0/27", "endpointSubnet: 10.124.1.0/27");
    expect(layerProblems(overlapping).map((problem) => [problem.path, problem.message])).toEqual([
      ["config.altinn-apps:network.endpointSubnet", "10.124.1.0/27 overlaps the node subnet 10.124.0.0/23"],
    ]);
  });

  it("requires resource ids for a Key Vault private endpoint", () => {
    const text = `${prodLayer}  altinn-apps:keyVaultPrivateEndpoint:\n    subnetId: my-subnet\n`;
    expect(layerProblems(text).map((problem) => [problem.path, problem.message])).toEqual([
      ["config.altinn-apps:keyVaultPrivateEndpoint.subnetId", "must be the resource id of a subnet"],
    ]);
  });

  it("reports a missing layer", () => {
    expect(layerProblems(undefined)).toEqual([
      { file: "Pulumi.prod.yaml", line: 0, column: 0, path: "", message: "file not found" },
    ]);
  });
});

describe("resolving one stack", () => {
  it("merges layer defaults with the owner's overrides and keeps only active grants", () => {
    const access = [
      { user: "dev.abc@ai-dev.no", role: "developer", environment: "prod", expires: "2026-11-23" },
      { user: "ops.abc@ai-dev.brreg.no", role: "operations", environment: "prod", expires: "2027-06-30" },
      { user: "dev.abc@ai-dev.no", role: "developer", environment: "tt02" },
    ];
    const environments = {
      tt02: { subscriptionId: "11111111-1111-4111-8111-111111111111" },
      prod: { subscriptionId: "22222222-2222-4222-8222-222222222222", cluster: { maxNodes: 10 } },
    };
    const result = validateFleet(fleetOf(ownerYaml("abc", { access, environments })), TODAY);
    const resolved = resolveOwnerEnvironment(result, "abc", "prod", TODAY);
    expect(resolved.cluster).toMatchObject({ minNodes: 3, maxNodes: 10, skuTier: "Standard" });
    expect(resolved.location).toBe("norwayeast");
    expect(resolved.network).toEqual({
      addressSpace: "10.124.0.0/22",
      nodeSubnet: "10.124.0.0/23",
      endpointSubnet: "10.124.2.0/27",
      egressPrefixLength: 30,
    });
    expect(resolved.recoverKeyVault).toBe(false);
    expect(resolved.activeGrants.map((grant) => grant.user)).toEqual(["dev.abc@ai-dev.no", "ops.abc@ai-dev.brreg.no"]);
    // The day after the expiry the grant is an error for validate, but a deploy goes on without it.
    const dayAfter = parseIsoDate("2026-11-24");
    const later = resolveOwnerEnvironment(
      validateFleet(fleetOf(ownerYaml("abc", { access, environments })), dayAfter),
      "abc",
      "prod",
      dayAfter,
    );
    expect(later.activeGrants.map((grant) => grant.user)).toEqual(["ops.abc@ai-dev.brreg.no"]);
    expect(later.expiredGrants.map((problem) => problem.path)).toEqual(["access[0].expires"]);
  });

  it("refuses an unknown owner, a missing environment, and an invalid owner file", () => {
    const result = validateFleet(
      fleetOf(
        ownerYaml("abc", {
          environments: { tt02: { subscriptionId: "11111111-1111-4111-8111-111111111111" } },
          termsOfUse: undefined,
          access: [],
        }),
      ),
      TODAY,
    );
    expect(() => resolveOwnerEnvironment(result, "zzz", "tt02", TODAY)).toThrow(
      /no service owner "zzz": stacks\/zzz.yaml not found/,
    );
    expect(() => resolveOwnerEnvironment(result, "abc", "prod", TODAY)).toThrow(/abc has no prod environment/);
    const broken = validateFleet(fleetOf(ownerYaml("abc", { contact: "nope" })), TODAY);
    expect(() => resolveOwnerEnvironment(broken, "abc", "tt02", TODAY)).toThrow(
      /stacks\/abc.yaml:\d+:\d+: contact: must be an e-mail address/,
    );
  });
});

describe("maintenance windows", () => {
  const window = { dayOfWeek: "Monday", startTime: "22:00", durationHours: 4 } as const;
  it("follow Oslo's clock, summer time included: AKS takes only a fixed offset, sent as of the deploy day", () => {
    const oslo = { ...window, timeZone: "Europe/Oslo" } as const;
    expect(windowUtcOffset(oslo, parseIsoDate("2026-01-15"))).toBe("+01:00");
    expect(windowUtcOffset(oslo, parseIsoDate("2026-07-15"))).toBe("+02:00");
    // The switch days: Norway changes clocks at 01:00 UTC; the offset is read at noon UTC.
    expect(windowUtcOffset(oslo, parseIsoDate("2026-03-29"))).toBe("+02:00");
    expect(windowUtcOffset(oslo, parseIsoDate("2026-10-25"))).toBe("+01:00");
  });

  it("keep a fixed utcOffset all year when the layer gives one, and refuse both or neither", () => {
    expect(windowUtcOffset({ ...window, utcOffset: "+01:00" }, parseIsoDate("2026-07-15"))).toBe("+01:00");
    const both = REPO_SOURCES.layers.prod.text?.replace(
      "durationHours: 4, timeZone: Europe/Oslo }",
      'durationHours: 4, timeZone: Europe/Oslo, utcOffset: "+01:00" }',
    );
    const problems = validateFleet(
      { ...REPO_SOURCES, layers: { ...REPO_SOURCES.layers, prod: { file: "Pulumi.prod.yaml", text: both } } },
      TODAY,
    ).problems;
    expect(problems.map((problem) => [problem.path, problem.message])).toContainEqual([
      "config.altinn-apps:maintenance.clusterUpgrade",
      "give either timeZone (follows summer time) or utcOffset (fixed all year), not both or neither",
    ]);
  });
});
