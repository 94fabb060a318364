import { Component } from "@pulumi/azure-native/applicationinsights";
import { Workspace } from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentContext } from "./context";

export interface MonitoringArgs {
  readonly context: EnvironmentContext;
  readonly resourceGroupName: pulumi.Input<string>;
}

/** Log Analytics and the workspace-based Application Insights the owner's apps log to (the Developer role reads it). */
export class Monitoring extends pulumi.ComponentResource {
  readonly workspace: Workspace;
  readonly applicationInsights: Component;

  constructor(name: string, { context, resourceGroupName }: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:apps:Monitoring", name, {}, opts);
    const { names, tags, target } = context;

    this.workspace = new Workspace(
      names.logAnalyticsWorkspace,
      {
        workspaceName: names.logAnalyticsWorkspace,
        resourceGroupName,
        location: target.location,
        tags,
        sku: { name: "PerGB2018" },
        retentionInDays: target.layer.logRetentionDays,
        publicNetworkAccessForIngestion: target.layer.monitoringPublicNetworkAccess.ingestion,
        publicNetworkAccessForQuery: target.layer.monitoringPublicNetworkAccess.query,
        // Entra ID only: no shared keys; the cluster's monitoring add-on authenticates with its managed identity.
        features: { disableLocalAuth: true, enableLogAccessUsingOnlyResourcePermissions: true },
      },
      { parent: this, protect: context.protectStateful },
    );

    this.applicationInsights = new Component(
      names.applicationInsights,
      {
        resourceName: names.applicationInsights,
        resourceGroupName,
        location: target.location,
        tags,
        kind: "web",
        applicationType: "web",
        ingestionMode: "LogAnalytics",
        workspaceResourceId: this.workspace.id,
        disableLocalAuth: true,
        publicNetworkAccessForIngestion: target.layer.monitoringPublicNetworkAccess.ingestion,
        publicNetworkAccessForQuery: target.layer.monitoringPublicNetworkAccess.query,
        // Profiler and snapshot debugger are not offered; should they be, their data must go to owner storage.
        forceCustomerStorageForProfiler: true,
      },
      { parent: this },
    );

    this.registerOutputs({ workspaceId: this.workspace.id, applicationInsightsId: this.applicationInsights.id });
  }
}
