import { ORG_CODE, ORG_CODE_RULE } from "./owner";
import { ENVIRONMENTS, type EnvironmentName } from "./schema";

/** How a stack says which owner and environment it is: its name, and the tags on its resources. */

export function stackName(org: string, environment: EnvironmentName): string {
  return `${org}-${environment}`;
}

const STACK_NAME = new RegExp(`^(${ORG_CODE.source.slice(1, -1)})-(${ENVIRONMENTS.join("|")})$`);

/** `digdir-prod` → { org: "digdir", environment: "prod" }; anything else is refused with the expected shape. */
export function parseStackName(stack: string): { org: string; environment: EnvironmentName } {
  const match = STACK_NAME.exec(stack);
  if (!match) {
    throw new Error(
      `stack name "${stack}" must be <org>-<env>: an org code of ${ORG_CODE_RULE} and ` +
        `an environment (${ENVIRONMENTS.join(" or ")}), e.g. digdir-prod`,
    );
  }
  return { org: match[1] as string, environment: match[2] as EnvironmentName };
}

/** Tags every taggable Azure resource carries; the policies read the first two back. */
export const OWNER_TAG = "altinn:owner";
export const ENVIRONMENT_TAG = "altinn:environment";

export function ownerTags(org: string, environment: EnvironmentName): Record<string, string> {
  return { [OWNER_TAG]: org, [ENVIRONMENT_TAG]: environment, "managed-by": "pulumi" };
}
