import { Component } from "@pulumi/azure-native/applicationinsights";
import { validateResourceOfType } from "@pulumi/policy";
import type { DocumentedPolicy } from "./documentedPolicy";

export const appInsightsWorkspaceBased: DocumentedPolicy = {
  name: "appinsights-workspace-based",
  description: "Application Insights is workspace-based (Log Analytics ingestion) with local (key) auth disabled.",
  enforcementLevel: "mandatory",
  azurePolicyDefinitions: [
    "Azure Monitor Logs for Application Insights should be linked to a Log Analytics workspace",
    "Application Insights components should block non-Azure Active Directory based ingestion.",
  ],
  validateResource: validateResourceOfType(Component, (component, _args, reportViolation) => {
    if (component.ingestionMode !== "LogAnalytics") {
      reportViolation(`ingestionMode must be "LogAnalytics" (is ${JSON.stringify(component.ingestionMode)})`);
    }
    if (!component.workspaceResourceId) reportViolation("workspaceResourceId must name the Log Analytics workspace");
    if (component.disableLocalAuth !== true)
      reportViolation("disableLocalAuth must be true: Entra ID authentication only");
  }),
};
