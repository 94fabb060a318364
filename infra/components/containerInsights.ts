import { DataCollectionRule, DataCollectionRuleAssociation } from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";

/** The only stream a Container Insights rule needs: inventory, performance, events and ContainerLogV2. */
const CONTAINER_INSIGHTS_STREAM = "Microsoft-ContainerInsights-Group-Default";

export interface ContainerInsightsSettings {
  /** `MSCI-<region>-<cluster>` (containerInsightsRuleName in infra/naming.ts). */
  readonly ruleName: string;
  readonly associationName: string;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface ContainerInsightsArgs {
  readonly settings: ContainerInsightsSettings;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly clusterId: pulumi.Input<string>;
  /** The application workspace: container logs are the apps' telemetry, which the Developer role reads. */
  readonly workspaceId: pulumi.Input<string>;
}

/** Container Insights that collects: the rule the monitoring add-on (managed-identity auth) follows, tied to the cluster. */
export class ContainerInsights extends pulumi.ComponentResource {
  readonly rule: DataCollectionRule;

  constructor(name: string, args: ContainerInsightsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:apps:ContainerInsights", name, {}, opts);
    const { settings, resourceGroupName } = args;
    this.rule = new DataCollectionRule(
      settings.ruleName,
      {
        dataCollectionRuleName: settings.ruleName,
        resourceGroupName,
        location: settings.location,
        tags: settings.tags,
        kind: "Linux",
        dataSources: {
          extensions: [
            {
              name: "ContainerInsightsExtension",
              extensionName: "ContainerInsights",
              streams: [CONTAINER_INSIGHTS_STREAM],
              extensionSettings: {
                dataCollectionSettings: { interval: "1m", namespaceFilteringMode: "Off", enableContainerLogV2: true },
              },
            },
          ],
        },
        destinations: { logAnalytics: [{ name: "ciworkspace", workspaceResourceId: args.workspaceId }] },
        dataFlows: [{ streams: [CONTAINER_INSIGHTS_STREAM], destinations: ["ciworkspace"] }],
      },
      { parent: this },
    );
    new DataCollectionRuleAssociation(
      settings.associationName,
      {
        associationName: "ContainerInsightsExtension",
        resourceUri: args.clusterId,
        dataCollectionRuleId: this.rule.id,
        description: "Container Insights for the monitoring add-on (managed identity auth)",
      },
      { parent: this },
    );
    this.registerOutputs({ dataCollectionRuleId: this.rule.id });
  }
}
