import type { IsoDate } from "../infra/model/dates";
import { validateFleet } from "../infra/model/fleet";
import type { FleetResult, FleetSources } from "../infra/model/fleetShape";

const results = new WeakMap<FleetSources, Map<IsoDate, FleetResult>>();

/**
 * validateFleet, once per version of the fleet and day: a PR check looks at the same two versions (base and working
 * tree) from several sides (plan, access diff, validation), and validating 106 owners is a good part of its time.
 */
export function validatedFleet(sources: FleetSources, today: IsoDate): FleetResult {
  const byDay = results.get(sources) ?? new Map<IsoDate, FleetResult>();
  results.set(sources, byDay);
  const known = byDay.get(today);
  if (known) return known;
  const result = validateFleet(sources, today);
  byDay.set(today, result);
  return result;
}
