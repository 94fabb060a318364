import { accessPolicy, grantKind } from "../infra/model/access";
import type { EnvironmentLayer } from "../infra/model/environment";
import type { Grant } from "../infra/model/owner";

export type AccessKind = "standing" | "just-in-time";

/**
 * Whether a grant is standing access or just-in-time (an eligibility, activated when needed): the one place the
 * report decides it, from the layer's access model (infra/model/access.ts), which makes the roles the layer lists
 * under `justInTime` eligibilities in `pim` unless a grant may and does opt for standing access.
 */
export function accessKind(grant: Grant, layer: EnvironmentLayer | undefined): AccessKind {
  return layer && grantKind(accessPolicy(layer), grant) === "eligibility" ? "just-in-time" : "standing";
}
