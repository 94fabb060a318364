import { DiagnosticSetting } from "@pulumi/azure-native/monitor";
import type * as pulumi from "@pulumi/pulumi";

/** Send a resource's audit logs (the `audit` category group) to the owner's Log Analytics workspace. */
export function auditLogToWorkspace(
  name: string,
  resourceUri: pulumi.Input<string>,
  workspaceId: pulumi.Input<string>,
  parent: pulumi.Resource,
): DiagnosticSetting {
  return new DiagnosticSetting(
    name,
    {
      name,
      resourceUri,
      workspaceId,
      logAnalyticsDestinationType: "Dedicated",
      logs: [{ categoryGroup: "audit", enabled: true }],
    },
    { parent },
  );
}
