import { Workspace } from "@pulumi/azure-native/operationalinsights";
import { validateResourceOfType } from "@pulumi/policy";
import type { DocumentedPolicy } from "./documentedPolicy";

export const logAnalyticsEntraOnly: DocumentedPolicy = {
  name: "loganalytics-entra-only",
  description:
    "Log Analytics workspaces accept only Entra ID authenticated ingestion (local, shared-key auth disabled).",
  enforcementLevel: "mandatory",
  azurePolicyDefinitions: ["Log Analytics Workspaces should block non-Azure Active Directory based ingestion."],
  validateResource: validateResourceOfType(Workspace, (workspace, _args, reportViolation) => {
    if (workspace.features?.disableLocalAuth !== true) {
      reportViolation("features.disableLocalAuth must be true: no shared-key ingestion");
    }
  }),
};
