import { describe, expect, it } from "vitest";
import { sdkPropertyName } from "./swagger";

describe("the SDK name of a spec property (azure-native's ToLowerCamel)", () => {
  it.each([
    ["Application_Type", undefined, "applicationType"], // components_API.json: the SDK's applicationType
    ["WorkspaceResourceId", undefined, "workspaceResourceId"],
    ["ImmediatePurgeDataOn30Days", undefined, "immediatePurgeDataOn30Days"],
    ["enableRBAC", undefined, "enableRBAC"], // capitals inside a name stay
    ["ID", undefined, "id"],
    ["properties.name", undefined, "propertiesName"],
    ["$type", undefined, "type"],
    ["tenant_id", "TenantID", "tenantID"], // x-ms-client-name wins
  ])("%s (client name %s) → %s", (name, clientName, expected) => {
    expect(sdkPropertyName(name, clientName)).toBe(expected);
  });
});
