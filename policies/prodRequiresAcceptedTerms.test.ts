import { describe, expect, it } from "vitest";
import { ACCEPTED_TERMS } from "../test/support/fleet";
import { prodRequiresAcceptedTerms as policy } from "./prodRequiresAcceptedTerms";
import { runPolicies } from "./runner/runner";
import { isNotApplicable, registry, resource, tags, taggedResource, TYPES, violations } from "./testing/fixtures";

const cluster = taggedResource(TYPES.cluster, {});
const withRegistry = (owners = registry().owners, overrides = {}) => ({
  "prod-requires-accepted-terms": { registry: registry({ owners, ...overrides }), asOf: "2026-11-23" },
});
const termsWith = (changes: Record<string, unknown>) => ({ digdir: { termsOfUse: { ...ACCEPTED_TERMS, ...changes } } });

describe("prod-requires-accepted-terms", () => {
  it("passes an owner with the current terms and all four confirmations", async () => {
    expect(await violations(policy, cluster, withRegistry())).toEqual([]);
  });

  it.each(["riskAssessment", "privacyAssessment", "dataProcessingAgreement", "serviceLevelAgreement"])(
    "refuses prod when %s is not confirmed",
    async (confirmation) => {
      expect(await violations(policy, cluster, withRegistry(termsWith({ [confirmation]: false })))).toEqual([
        `digdir may not have prod resources until the terms of use are accepted: termsOfUse.${confirmation} is not confirmed (must be true)`,
      ]);
    },
  );

  it("refuses an old terms version", async () => {
    expect(await violations(policy, cluster, withRegistry(termsWith({ version: "2023-1" })))).toEqual([
      'digdir may not have prod resources until the terms of use are accepted: termsOfUse.version is "2023-1", but version "2025-1" must be accepted',
    ]);
  });

  it("refuses an acceptance dated in the future", async () => {
    expect(await violations(policy, cluster, withRegistry(termsWith({ acceptedAt: "2026-11-24" })))).toEqual([
      "digdir may not have prod resources until the terms of use are accepted: termsOfUse.acceptedAt (2026-11-24) is in the future",
    ]);
  });

  it("refuses an owner without a terms record, and an unknown owner", async () => {
    expect(await violations(policy, cluster, withRegistry({ digdir: {} }))).toEqual([
      "digdir may not have prod resources until the terms of use are accepted: no termsOfUse record: the owner has not accepted the terms of use (version 2025-1)",
    ]);
    expect(await violations(policy, cluster, withRegistry({}))).toEqual([
      'owner "digdir" is not in the registry (policy config), so prod is refused',
    ]);
  });

  it("refuses missing and contradicting tags", async () => {
    const untagged = resource(TYPES.cluster, { location: "norwayeast" });
    expect(await violations(policy, untagged, withRegistry())).toEqual([
      'cannot establish the owner and environment, so prod is refused: tag "altinn:owner" is missing (expected "digdir"); tag "altinn:environment" is missing (expected "prod")',
    ]);
    const otherOwner = resource(TYPES.cluster, { tags: tags("brg", "prod") });
    expect(await violations(policy, otherOwner, withRegistry())).toEqual([
      'cannot establish the owner and environment, so prod is refused: tag "altinn:owner" is "brg" but the stack says "digdir"',
    ]);
    const claimsTest = resource(TYPES.cluster, { tags: tags("digdir", "tt02") });
    expect(await violations(policy, claimsTest, withRegistry())).toHaveLength(1);
  });

  it("refuses a stack whose name does not say owner and environment", async () => {
    const misnamed = resource(TYPES.roleAssignment, {}, { stack: "dev" });
    expect(await violations(policy, misnamed, withRegistry())).toEqual([
      'cannot establish the owner and environment, so prod is refused: stack "dev" is not named <org>-<env>, so its owner and environment are unknown',
    ]);
  });

  it("checks untaggable resources (role assignments) by their stack", async () => {
    const assignment = resource(TYPES.roleAssignment, { principalType: "Group" });
    expect(await violations(policy, assignment, withRegistry())).toEqual([]);
    expect(await violations(policy, assignment, withRegistry({ digdir: {} }))).toHaveLength(1);
  });

  it("does not apply in tt02, nor to non-Azure resources", async () => {
    const tt02 = taggedResource(TYPES.cluster, {}, "digdir-tt02");
    expect(await isNotApplicable(policy, tt02, withRegistry({}))).toBe(true);
    expect(await violations(policy, resource("azuread:index/group:Group", {}), withRegistry({}))).toEqual([]);
  });

  it("fails closed without a usable registry", async () => {
    const invalid = { "prod-requires-accepted-terms": { registry: { owners: "everyone" } } };
    const [message] = await violations(policy, cluster, invalid);
    expect(message).toMatch(
      /^no terms-of-use registry, so prod is refused: the registry in policy config is invalid \(/,
    );
    const notAnObject = { "prod-requires-accepted-terms": { registry: "the owner files" } };
    expect((await violations(policy, cluster, notAnObject))[0]).toMatch(
      /^no terms-of-use registry, so prod is refused: the registry in policy config is invalid \(/,
    );
    const noVersion = withRegistry(undefined, { requiredTermsVersion: "" });
    expect((await violations(policy, cluster, noVersion))[0]).toMatch(/^no terms-of-use registry/);
  });

  // The policy never reads the repository: without the registry in its config, prod is refused, naming what is missing.
  it("fails closed without config, naming the missing registry", async () => {
    const missing = [
      "no terms-of-use registry, so prod is refused: the policy config has no registry (write it from the fleet with `npm run policy-config` and pass it with --policy-pack-config)",
    ];
    expect(await violations(policy, cluster)).toEqual(missing);
    expect(await violations(policy, cluster, { "prod-requires-accepted-terms": { asOf: "2026-11-23" } })).toEqual(
      missing,
    );
    expect(await violations(policy, taggedResource(TYPES.cluster, {}, "zzz-prod"))).toEqual(missing);
  });

  it("can be made advisory or disabled through policy config", async () => {
    const advisory = {
      "prod-requires-accepted-terms": { enforcementLevel: "advisory" as const, registry: registry({ owners: {} }) },
    };
    const report = await runPolicies([cluster], { policies: [policy], config: advisory });
    expect(report.violations.map((violation) => violation.level)).toEqual(["advisory"]);
    expect(await violations(policy, cluster, { "prod-requires-accepted-terms": "disabled" })).toEqual([]);
  });
});
