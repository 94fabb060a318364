import { Vault } from "@pulumi/azure-native/keyvault";
import { validateResourceOfType } from "@pulumi/policy";
import { allowListTextProblems } from "../infra/model/cidr";
import type { DocumentedPolicy } from "./documentedPolicy";

export const keyVaultHardened: DocumentedPolicy = {
  name: "keyvault-hardened",
  description:
    "Key Vaults use RBAC, soft delete and purge protection, deny network access by default and allow no more than a /16 through the firewall.",
  enforcementLevel: "mandatory",
  azurePolicyDefinitions: [
    "Azure Key Vault should use RBAC permission model",
    "Key vaults should have soft delete enabled",
    "Key vaults should have deletion protection enabled",
    "Azure Key Vault should have firewall enabled",
  ],
  validateResource: validateResourceOfType(Vault, (vault, _args, reportViolation) => {
    const properties = vault.properties;
    if (properties.enableRbacAuthorization !== true) {
      reportViolation("enableRbacAuthorization must be true: access is granted with Azure roles, not access policies");
    }
    if (properties.enableSoftDelete !== true) reportViolation("enableSoftDelete must be true");
    if (properties.enablePurgeProtection !== true) reportViolation("enablePurgeProtection must be true");
    if (properties.networkAcls?.defaultAction !== "Deny") {
      reportViolation(
        `networkAcls.defaultAction must be "Deny" (is ${JSON.stringify(properties.networkAcls?.defaultAction)})`,
      );
    }
    const allowed = (properties.networkAcls?.ipRules ?? []).map((rule) => rule.value);
    for (const problem of allowListTextProblems(allowed)) reportViolation(`networkAcls.ipRules: ${problem}`);
  }),
};
