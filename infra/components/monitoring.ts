import { Component } from "@pulumi/azure-native/applicationinsights";
import { Workspace } from "@pulumi/azure-native/operationalinsights";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceNames } from "../naming";

export interface MonitoringSettings {
  readonly names: Pick<ResourceNames, "logAnalyticsWorkspace" | "platformWorkspace" | "applicationInsights">;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The workspaces: replacing one loses its logs (docs/design/azure-decisions.md, "Protected in both environments"). */
  readonly protect: boolean;
  readonly retentionDays: number;
  readonly publicNetworkAccess: { readonly ingestion: string; readonly query: string };
  /** Import ids of what already exists (adopt in the owner file). */
  readonly adopt: { readonly workspace?: string; readonly applicationInsights?: string };
}

export interface MonitoringArgs {
  readonly settings: MonitoringSettings;
  readonly resourceGroupName: pulumi.Input<string>;
}

/**
 * Two workspaces, split by who reads them (infra/roles.ts): the owner's application workspace with the workspace-based
 * Application Insights and the container logs (the Developer role reads it), and the platform workspace with the
 * control-plane audit, the Key Vault audit and Defender's data (only the platform reads it).
 */
export class Monitoring extends pulumi.ComponentResource {
  readonly workspace: Workspace;
  readonly platformWorkspace: Workspace;
  readonly applicationInsights: Component;

  constructor(name: string, { settings, resourceGroupName }: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:apps:Monitoring", name, {}, opts);
    const { names, location, tags, publicNetworkAccess } = settings;
    const located = { resourceGroupName, location, tags, sku: { name: "PerGB2018" } };

    this.workspace = new Workspace(
      names.logAnalyticsWorkspace,
      {
        ...located,
        workspaceName: names.logAnalyticsWorkspace,
        retentionInDays: settings.retentionDays,
        publicNetworkAccessForIngestion: publicNetworkAccess.ingestion,
        publicNetworkAccessForQuery: publicNetworkAccess.query,
        // Entra ID only: no shared keys; the cluster's monitoring add-on authenticates with its managed identity.
        features: { disableLocalAuth: true, enableLogAccessUsingOnlyResourcePermissions: true },
      },
      {
        parent: this,
        protect: settings.protect,
        ...(settings.adopt.workspace && { import: settings.adopt.workspace }),
      },
    );

    this.platformWorkspace = new Workspace(
      names.platformWorkspace,
      {
        ...located,
        workspaceName: names.platformWorkspace,
        retentionInDays: settings.retentionDays,
        publicNetworkAccessForIngestion: publicNetworkAccess.ingestion,
        publicNetworkAccessForQuery: publicNetworkAccess.query,
        features: {
          // Defender's publisher still authenticates with workspace keys and crash-loops against a workspace with
          // local auth off (Azure/Microsoft-Defender-for-Cloud issue 1010, open): this workspace keeps them, and
          // only the platform can list them (Microsoft.OperationalInsights/workspaces/sharedKeys/action).
          disableLocalAuth: false,
          // Workspace permissions only: reading a vault or cluster must not open its audit here (resource-context).
          enableLogAccessUsingOnlyResourcePermissions: false,
        },
      },
      { parent: this, protect: settings.protect },
    );

    this.applicationInsights = new Component(
      names.applicationInsights,
      {
        resourceName: names.applicationInsights,
        resourceGroupName,
        location,
        tags,
        kind: "web",
        applicationType: "web",
        ingestionMode: "LogAnalytics",
        workspaceResourceId: this.workspace.id,
        disableLocalAuth: true,
        publicNetworkAccessForIngestion: publicNetworkAccess.ingestion,
        publicNetworkAccessForQuery: publicNetworkAccess.query,
        // Profiler and snapshot debugger are not offered; should they be, their data must go to owner storage.
        forceCustomerStorageForProfiler: true,
      },
      { parent: this, ...(settings.adopt.applicationInsights && { import: settings.adopt.applicationInsights }) },
    );

    this.registerOutputs({
      workspaceId: this.workspace.id,
      platformWorkspaceId: this.platformWorkspace.id,
      applicationInsightsId: this.applicationInsights.id,
    });
  }
}
