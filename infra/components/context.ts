import type { OwnerEnvironment } from "../model";
import { ownerTags } from "../model";
import { resourceNames, type ResourceNames } from "../naming";

/** What every concern of one owner environment needs to know, computed once. */
export interface EnvironmentContext {
  readonly target: OwnerEnvironment;
  readonly names: ResourceNames;
  readonly tags: Readonly<Record<string, string>>;
  /** Prod's stateful resources are protected: deleting an owner file must never silently destroy production. */
  readonly protectStateful: boolean;
}

export function environmentContext(target: OwnerEnvironment): EnvironmentContext {
  return {
    target,
    names: resourceNames(target.org, target.environment),
    tags: ownerTags(target.org, target.environment),
    protectStateful: target.environment === "prod",
  };
}
