import { parseIsoDate } from "../infra/model/dates";

/**
 * The day the sample fleet in stacks/ is checked as of: it is fixed data, so the tests, the generated docs and
 * `.ci/run` (SAMPLE_FLEET_DATE) evaluate its grants' expiry on this date, not on the day they happen to run.
 */
export const SAMPLE_FLEET_DATE = parseIsoDate("2026-11-23");
