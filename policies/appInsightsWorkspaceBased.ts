import { Component } from "@pulumi/azure-native/applicationinsights";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";

export const appInsightsWorkspaceBased: ResourceValidationPolicy = {
  name: "appinsights-workspace-based",
  description: "Application Insights is workspace-based (Log Analytics ingestion) with local (key) auth disabled.",
  enforcementLevel: "mandatory",
  validateResource: validateResourceOfType(Component, (component, _args, reportViolation) => {
    if (component.ingestionMode !== "LogAnalytics") {
      reportViolation(`ingestionMode must be "LogAnalytics" (is ${JSON.stringify(component.ingestionMode)})`);
    }
    if (!component.workspaceResourceId) reportViolation("workspaceResourceId must name the Log Analytics workspace");
    if (component.disableLocalAuth !== true)
      reportViolation("disableLocalAuth must be true: Entra ID authentication only");
  }),
};
