import type { EnvironmentLayer, Grant } from "../../infra/model";

export type AccessKind = "standing" | "just-in-time";

/**
 * Whether a grant is standing group membership or just-in-time (eligible, activated when needed). The one place the
 * report decides it: the environment layer's access model will make prod Operations grants just-in-time unless a
 * grant opts for standing access. Until that model exists every grant is standing membership, which is what the
 * program provisions today (authoritative group members).
 */
export function accessKind(_grant: Grant, _layer: EnvironmentLayer | undefined): AccessKind {
  return "standing";
}
