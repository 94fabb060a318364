import { stringify } from "yaml";
import {
  parseIsoDate,
  readFleetSources,
  type EnvironmentName,
  type FleetSources,
  type SourceFile,
} from "../../infra/model";
import { REPO_ROOT } from "../../lib/repo";

/** The fixed "today" of every test, so expiry and terms dates never drift with the calendar. */
export const TODAY = parseIsoDate("2026-11-23");

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

export const TT02_SUBSCRIPTION = "11111111-1111-4111-8111-111111111111";
export const PROD_SUBSCRIPTION = "22222222-2222-4222-8222-222222222222";

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
    environments: { tt02: { subscriptionId: TT02_SUBSCRIPTION }, prod: { subscriptionId: PROD_SUBSCRIPTION } },
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
