import { DiagnosticSetting } from "@pulumi/azure-native/monitor";
import type * as inputs from "@pulumi/azure-native/types/input";
import type * as pulumi from "@pulumi/pulumi";

const AUDIT: inputs.monitor.DiagnosticsLogSettingsArgs[] = [{ categoryGroup: "audit", enabled: true }];

/** Send a resource's logs (by default the `audit` category group) to the owner's Log Analytics workspace. */
export function logsToWorkspace(
  name: string,
  resourceUri: pulumi.Input<string>,
  workspaceId: pulumi.Input<string>,
  parent: pulumi.Resource,
  logs: inputs.monitor.DiagnosticsLogSettingsArgs[] = AUDIT,
): DiagnosticSetting {
  return new DiagnosticSetting(
    name,
    {
      name,
      resourceUri,
      workspaceId,
      logAnalyticsDestinationType: "Dedicated",
      logs,
    },
    { parent },
  );
}
