import type { DocumentedPolicy } from "./documentedPolicy";
import { identityFromStack, isTrackedAzureResource, tagProblems } from "./stackIdentity";

export const azureResourcesTagged: DocumentedPolicy = {
  name: "azure-resources-tagged",
  description: "Every taggable Azure resource carries altinn:owner and altinn:environment tags that match its stack.",
  enforcementLevel: "mandatory",
  azurePolicyDefinitions: [],
  validateResource: (args, reportViolation) => {
    if (!isTrackedAzureResource(args.type)) return;
    for (const problem of tagProblems(args.props, identityFromStack(args.urn))) reportViolation(problem);
  },
};
