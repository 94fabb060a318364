import { Vault } from "@pulumi/azure-native/keyvault";
import { validateResourceOfType } from "@pulumi/policy";
import type { DocumentedPolicy } from "./documentedPolicy";

const SUBNET_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;

/**
 * The vault's firewall admits networks only from the owner's own environment: a virtual network rule must name a
 * subnet in the vault's own resource group (where the owner network lives), never another owner's or a shared one.
 */
export const keyVaultNetworkRestricted: DocumentedPolicy = {
  name: "keyvault-network-restricted",
  description:
    "Key Vault network rules admit only subnets in the vault's own resource group (the owner network); private endpoints are the other way in.",
  enforcementLevel: "mandatory",
  azurePolicyDefinitions: [],
  validateResource: validateResourceOfType(Vault, (vault, _args, reportViolation) => {
    const rules = vault.properties.networkAcls?.virtualNetworkRules ?? [];
    const ownGroup = String(vault.resourceGroupName).toLowerCase();
    for (const [index, rule] of rules.entries()) {
      const group = SUBNET_ID.exec(String(rule.id))?.[1];
      if (group === undefined) {
        reportViolation(`networkAcls.virtualNetworkRules[${index}].id is not a subnet's resource id: ${rule.id}`);
      } else if (group.toLowerCase() !== ownGroup) {
        reportViolation(
          `networkAcls.virtualNetworkRules[${index}] admits a subnet in resource group "${group}", not the vault's own "${vault.resourceGroupName}"`,
        );
      }
    }
  }),
};
