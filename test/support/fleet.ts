import { stringify } from "yaml";
import { nameBasedGuid } from "../../infra/guid";
import { readFleetSources } from "../../files/fleetReader";
import type { FleetSources, SourceFile } from "../../infra/model/fleetShape";
import type { EnvironmentName } from "../../infra/model/schema";
import { REPO_ROOT } from "../../repository/root";
import { SAMPLE_FLEET_DATE } from "../../tooling/sampleFleet";

/** The fixed "today" of every test, so expiry and terms dates never drift with the calendar. */
export const TODAY = SAMPLE_FLEET_DATE;

/** The repository's own environment layers and sample owners. */
export const REPO_SOURCES: FleetSources = readFleetSources(REPO_ROOT);

export function ownerSource(org: string, text: string): SourceFile {
  return { file: `stacks/${org}.yaml`, text };
}

/** The repository's environment layers with one layer's YAML text edited (another access model, say). */
export function layersWith(environment: EnvironmentName, edit: (text: string) => string): FleetSources["layers"] {
  const layer = REPO_SOURCES.layers[environment];
  return { ...REPO_SOURCES.layers, [environment]: { ...layer, text: edit(layer.text ?? "") } };
}

/** The repository's layers with the given owner files instead of the sample fleet. */
export function fleetOf(...owners: SourceFile[]): FleetSources {
  return { layers: REPO_SOURCES.layers, owners };
}

/** Each owner environment has its own subscription (validation refuses a shared one). */
export function subscriptionOf(org: string, environment: string): string {
  return nameBasedGuid("subscription", org, environment);
}

export const ACCEPTED_TERMS = {
  version: "2025-1",
  acceptedAt: "2025-02-03",
  acceptedBy: "Kari Nordmann",
  reference: "https://digdir.apps.altinn.no/digdir/godkjenn-bruksvilkaar/instance/1",
  riskAssessment: true,
  privacyAssessment: true,
  dataProcessingAgreement: true,
  serviceLevelAgreement: true,
};

/** A valid owner document (tt02 and prod, accepted terms, two users, three grants); override any top-level field. */
export function ownerDocument(org: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    org,
    name: { nb: `Etat ${org}`, en: `Agency ${org}` },
    orgNumber: "991825827",
    contact: `post@${org}.no`,
    environments: {
      tt02: { subscriptionId: subscriptionOf(org, "tt02") },
      prod: { subscriptionId: subscriptionOf(org, "prod") },
    },
    termsOfUse: ACCEPTED_TERMS,
    users: [
      { upn: `dev.${org}@ai-dev.no`, name: "Dev Person" },
      { upn: `ops.${org}@ai-dev.brreg.no`, name: "Ops Person" },
    ],
    access: [
      { user: `dev.${org}@ai-dev.no`, role: "developer", environment: "tt02" },
      { user: `dev.${org}@ai-dev.no`, role: "developer", environment: "prod", expires: "2027-01-31" },
      {
        user: `ops.${org}@ai-dev.brreg.no`,
        role: "operations",
        environment: "prod",
        ticket: "ALTINN-1",
        expires: "2027-06-30",
      },
    ],
    ...overrides,
  };
}

export function ownerYaml(org: string, overrides: Record<string, unknown> = {}): SourceFile {
  return ownerSource(org, stringify(ownerDocument(org, overrides)));
}
