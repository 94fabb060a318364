import * as pulumi from "@pulumi/pulumi";
import { formatProblem, loadFleet, parseStackName, resolveOwnerEnvironment, type IsoDate } from "./model";
import { ServiceOwnerEnvironment } from "./components/serviceOwnerEnvironment";

export interface ProgramOptions {
  /** The Pulumi stack name, `<org>-<env>`. */
  readonly stack: string;
  /** The repository root holding stacks/ and the environment layers. */
  readonly root: string;
  /** The day grant expiry is evaluated for. */
  readonly today: IsoDate;
}

/**
 * The whole program for one stack. Everything that can be wrong with the input is found before the first resource
 * is registered: a bad stack name, a missing or invalid owner file, an environment the owner does not have.
 */
export function defineStack({ stack, root, today }: ProgramOptions) {
  const { org, environment } = parseStackName(stack);
  const target = resolveOwnerEnvironment(loadFleet(root, today), org, environment, today);
  for (const expired of target.expiredGrants) {
    pulumi.log.warn(`${formatProblem(expired)} (left out of the group; access has ended)`);
  }
  const owner = new ServiceOwnerEnvironment(stack, { target });
  return {
    clusterName: owner.clusterName,
    clusterId: owner.clusterId,
    oidcIssuerUrl: owner.oidcIssuerUrl,
    keyVaultUri: owner.keyVaultUri,
    applicationInsightsConnectionString: owner.applicationInsightsConnectionString,
    developerGroupObjectId: owner.developerGroupObjectId,
    operationsGroupObjectId: owner.operationsGroupObjectId,
    appHostname: owner.appHostname,
  };
}
