/**
 * Values ARM accepts beyond the list of an extensible enum (`modelAsString`) in the spec of the API version the SDK
 * uses. An extensible enum is checked like a closed one, so a typo still fails the plan; a value the service is known
 * to accept is listed here, reviewed like code, with the source that shows ARM accepting it at that API version.
 */
export interface AcceptedValue {
  readonly type: string;
  /** Where ARM receives the value (the contract node's `at`). */
  readonly at: string;
  readonly value: string;
  readonly source: string;
}

/** Microsoft's own Container Insights onboarding PUTs this stream into a rule at API version 2022-06-01. */
const CONTAINER_INSIGHTS_GROUP_STREAM =
  "Azure/azure-cli-extensions src/k8s-extension/azext_k8s_extension/partner_extensions/ContainerInsights.py " +
  '(DCR_API_VERSION = "2022-06-01", streams = ["Microsoft-ContainerInsights-Group-Default"]); ' +
  "MicrosoftDocs/azure-monitor-docs articles/azure-monitor/containers/includes/data-collection-rule-streams.md";

export const ACCEPTED_VALUES: readonly AcceptedValue[] = [
  {
    type: "azure-native:monitor:DataCollectionRule",
    at: "properties.dataSources.extensions[*].streams[*]",
    value: "Microsoft-ContainerInsights-Group-Default",
    source: CONTAINER_INSIGHTS_GROUP_STREAM,
  },
  {
    type: "azure-native:monitor:DataCollectionRule",
    at: "properties.dataFlows[*].streams[*]",
    value: "Microsoft-ContainerInsights-Group-Default",
    source: CONTAINER_INSIGHTS_GROUP_STREAM,
  },
];

/** The values accepted beyond the spec for one type, as `<at>=<value>`. */
export function acceptedValuesOf(type: string): Set<string> {
  return new Set(ACCEPTED_VALUES.filter((entry) => entry.type === type).map((entry) => `${entry.at}=${entry.value}`));
}
