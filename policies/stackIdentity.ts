import { ENVIRONMENT_TAG, OWNER_TAG, parseStackName } from "../infra/model/stackName";
import type { EnvironmentName } from "../infra/model/schema";

/** The stack a resource belongs to, from its URN: `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function stackOfUrn(urn: string): string {
  return urn.replace(/^urn:pulumi:/, "").split("::")[0] ?? "";
}

export type Identity =
  | { readonly ok: true; readonly org: string; readonly environment: EnvironmentName }
  | { readonly ok: false; readonly problem: string };

/** The owner and environment from the stack name; fails closed when the name does not say. */
export function identityFromStack(urn: string): Identity {
  const stack = stackOfUrn(urn);
  try {
    return { ok: true, ...parseStackName(stack) };
  } catch {
    return {
      ok: false,
      problem: `stack "${stack}" is not named <org>-<env>, so its owner and environment are unknown`,
    };
  }
}

function tagsOf(props: Record<string, unknown>): Record<string, unknown> {
  const tags = props["tags"];
  return tags !== null && typeof tags === "object" ? (tags as Record<string, unknown>) : {};
}

/**
 * Why a resource's owner and environment cannot be trusted: the stack name does not say, or (for a taggable
 * resource) its tags are missing or contradict the stack. Empty when they agree.
 */
export function identityProblems(type: string, props: Record<string, unknown>, identity: Identity): string[] {
  if (isTrackedAzureResource(type)) return tagProblems(props, identity);
  return identity.ok ? [] : [identity.problem];
}

/** What is wrong with a resource's owner and environment tags, compared with its stack. Empty when they agree. */
export function tagProblems(props: Record<string, unknown>, identity: Identity): string[] {
  if (!identity.ok) return [identity.problem];
  const tags = tagsOf(props);
  const expected: [string, string][] = [
    [OWNER_TAG, identity.org],
    [ENVIRONMENT_TAG, identity.environment],
  ];
  return expected.flatMap(([tag, value]) => {
    const actual = tags[tag];
    if (actual === undefined) return [`tag "${tag}" is missing (expected "${value}")`];
    if (actual !== value) return [`tag "${tag}" is "${String(actual)}" but the stack says "${value}"`];
    return [];
  });
}

/**
 * ARM extension and proxy resources, and child resources, have no location of their own (and mostly no tags);
 * everything else Azure does.
 */
const UNTRACKED_AZURE_TYPES = new Set([
  "azure-native:authorization:RoleAssignment",
  "azure-native:monitor:DiagnosticSetting",
  "azure-native:monitor:DataCollectionRuleAssociation",
  "azure-native:network:PrivateDnsZoneGroup",
  "azure-native:network:Subnet",
  "azure-native:containerservice:AgentPool",
  "azure-native:containerservice:MaintenanceConfiguration",
  "azure-native:managedidentity:FederatedIdentityCredential",
]);

/** Fails closed: an Azure type this list does not know is treated as taggable. */
export function isTrackedAzureResource(type: string): boolean {
  return type.startsWith("azure-native:") && !UNTRACKED_AZURE_TYPES.has(type);
}
