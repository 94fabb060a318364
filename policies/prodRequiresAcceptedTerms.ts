import type { DocumentedPolicy } from "./documentedPolicy";
import { isIsoDate, todayUtc } from "../infra/model/dates";
import { termsShortcomings } from "../infra/model/terms";
import { resolveRegistry } from "./registry";
import { identityFromStack, identityProblems } from "./stackIdentity";

interface TermsPolicyConfig {
  /** The registry (required: without it prod is refused); `npm run policy-config` writes it from the fleet. */
  registry?: unknown;
  /** Evaluate "acceptance date not in the future" as of this date (YYYY-MM-DD); today by default. */
  asOf?: string;
}

/**
 * No Azure resource in a prod stack unless its owner has accepted the current terms of use. Fails closed: whatever
 * cannot be established (registry, owner, tags) is itself a violation.
 */
export const prodRequiresAcceptedTerms: DocumentedPolicy = {
  name: "prod-requires-accepted-terms",
  description: "A prod stack's owner must have accepted the current terms of use, with all four confirmations.",
  enforcementLevel: "mandatory",
  azurePolicyDefinitions: [],
  configSchema: {
    properties: { registry: { type: "object" }, asOf: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" } },
  },
  validateResource: (args, reportViolation) => {
    if (!args.type.startsWith("azure-native:")) return;
    const identity = identityFromStack(args.urn);
    const tags = identityProblems(args.type, args.props, identity);
    const environment = identity.ok ? identity.environment : undefined;
    if (environment === "tt02" && tags.length === 0) args.notApplicable("tt02 does not require the terms of use");
    if (tags.length > 0) {
      reportViolation(`cannot establish the owner and environment, so prod is refused: ${tags.join("; ")}`);
      return;
    }
    if (!identity.ok) return;

    const config = args.getConfig<TermsPolicyConfig>();
    const result = resolveRegistry(config);
    if ("error" in result) {
      reportViolation(`no terms-of-use registry, so prod is refused: ${result.error}`);
      return;
    }
    const { registry } = result;
    if (!registry.requiredTermsVersion) {
      reportViolation("the registry (policy config) names no required terms-of-use version, so prod is refused");
      return;
    }
    if (!registry.owners.has(identity.org)) {
      reportViolation(`owner "${identity.org}" is not in the registry (policy config), so prod is refused`);
      return;
    }
    const today = config.asOf && isIsoDate(config.asOf) ? config.asOf : todayUtc();
    const shortcomings = termsShortcomings(registry.owners.get(identity.org), registry.requiredTermsVersion, today);
    if (shortcomings.length > 0) {
      reportViolation(
        `${identity.org} may not have prod resources until the terms of use are accepted: ${shortcomings.join("; ")}`,
      );
    }
  },
};
