import { Workspace } from "@pulumi/azure-native/operationalinsights";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";

export const logAnalyticsEntraOnly: ResourceValidationPolicy = {
  name: "loganalytics-entra-only",
  description:
    "Log Analytics workspaces accept only Entra ID authenticated ingestion (local, shared-key auth disabled).",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(Workspace, (workspace, _args, reportViolation) => {
    if (workspace.features?.disableLocalAuth !== true) {
      reportViolation("features.disableLocalAuth must be true: no shared-key ingestion");
    }
  }),
};
