import { Workspace } from "@pulumi/azure-native/operationalinsights";
import { validateResourceOfType } from "@pulumi/policy";
import { isPlatformWorkspaceName } from "../infra/naming";
import type { DocumentedPolicy } from "./documentedPolicy";

export const logAnalyticsEntraOnly: DocumentedPolicy = {
  name: "loganalytics-entra-only",
  description:
    "Log Analytics workspaces accept only Entra ID authenticated ingestion (local, shared-key auth disabled); the one exception is each owner's platform workspace, for Defender's publisher, which then admits workspace permissions only.",
  enforcementLevel: "mandatory",
  azurePolicyDefinitions: ["Log Analytics Workspaces should block non-Azure Active Directory based ingestion."],
  validateResource: validateResourceOfType(Workspace, (workspace, _args, reportViolation) => {
    if (workspace.features?.disableLocalAuth === true) return;
    // Defender for Containers' publisher still uses workspace keys (Azure/Microsoft-Defender-for-Cloud issue 1010):
    // the platform workspace keeps them, readable by no one through a resource they can read.
    const platform = isPlatformWorkspaceName(workspace.workspaceName ?? "");
    if (!platform) {
      reportViolation("features.disableLocalAuth must be true: no shared-key ingestion");
    } else if (workspace.features?.enableLogAccessUsingOnlyResourcePermissions !== false) {
      reportViolation(
        "a platform workspace with shared keys must set features.enableLogAccessUsingOnlyResourcePermissions to false",
      );
    }
  }),
};
