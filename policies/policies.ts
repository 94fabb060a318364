import { aksHardened } from "./aksHardened";
import { aksOwnerNetwork } from "./aksOwnerNetwork";
import { aksSecurityBaseline } from "./aksSecurityBaseline";
import { allowedLocations } from "./allowedLocations";
import { appInsightsWorkspaceBased } from "./appInsightsWorkspaceBased";
import { azureResourcesTagged } from "./azureResourcesTagged";
import type { DocumentedPolicy } from "./documentedPolicy";
import { keyVaultHardened } from "./keyVaultHardened";
import { keyVaultNetworkRestricted } from "./keyVaultNetworkRestricted";
import { logAnalyticsEntraOnly } from "./logAnalyticsEntraOnly";
import { prodOperationsJustInTime } from "./prodOperationsJustInTime";
import { prodRequiresAcceptedTerms } from "./prodRequiresAcceptedTerms";
import { prodStatefulProtected } from "./prodStatefulProtected";
import { roleAssignmentsToGroupsOnly } from "./roleAssignmentsToGroupsOnly";

export const POLICY_PACK_NAME = "altinn-apps";

/** Every policy in the pack, in the order reports list them. */
export const POLICIES: readonly DocumentedPolicy[] = [
  prodRequiresAcceptedTerms,
  azureResourcesTagged,
  keyVaultHardened,
  keyVaultNetworkRestricted,
  aksHardened,
  aksOwnerNetwork,
  aksSecurityBaseline,
  appInsightsWorkspaceBased,
  logAnalyticsEntraOnly,
  roleAssignmentsToGroupsOnly,
  allowedLocations,
  prodStatefulProtected,
  prodOperationsJustInTime,
];
