import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { addMonths } from "../infra/model/access";
import { todayUtc, type IsoDate } from "../infra/model/dates";
import { environmentLayerFileName } from "../infra/model/environment";
import { ownerFilePath } from "../infra/model/fleet";
import { isValidOrgNumber } from "../infra/model/orgNumber";
import type { Owner } from "../infra/model/owner";
import { ENVIRONMENTS } from "../infra/model/schema";
import { REPO_ROOT } from "../repository/root";

export interface FleetSpec {
  /** Org codes with whether each has production; synthetic codes when only a count is wanted. */
  readonly owners: readonly { readonly org: string; readonly production: boolean }[];
  readonly grantsPerOwner: number;
  /** Registered users per owner when more than the grants need (the cross-owner uniqueness check scales with users). */
  readonly usersPerOwner?: number;
  /** The `expires` of every prod grant and a third of tt02's; prod requires one within 12 months (default: in 6). */
  readonly grantsExpire?: IsoDate;
}

export function syntheticOwners(count: number, productionShare = 0.5): FleetSpec["owners"] {
  return Array.from({ length: count }, (_, index) => ({
    org: `o${String(index).padStart(4, "0")}`,
    production: index < Math.round(count * productionShare),
  }));
}

/** Altinn's real service owners from the registry fixture: those with `production` get prod. */
export function altinnOwners(
  registryFile = path.join(REPO_ROOT, "test/fixtures/altinn-orgs.json"),
): FleetSpec["owners"] {
  const registry = JSON.parse(readFileSync(registryFile, "utf8")) as {
    orgs: Record<string, { environments: string[] }>;
  };
  return Object.entries(registry.orgs)
    .map(([org, entry]) => ({ org, production: entry.environments.includes("production") }))
    .sort((a, b) => a.org.localeCompare(b.org));
}

/** Valid organisation numbers, deterministically: the n-th 8-digit base whose check digit exists. */
function orgNumber(index: number): string {
  for (let base = 91_000_000 + index * 13; ; base++) {
    for (let check = 0; check <= 9; check++) {
      const candidate = `${base}${check}`;
      if (isValidOrgNumber(candidate)) return candidate;
    }
  }
}

function guid(seed: number, kind: number): string {
  const hex = (seed * 7919 + kind).toString(16).padStart(12, "0").slice(-12);
  return `${kind.toString(16).padStart(8, "0")}-0000-4000-8000-${hex}`;
}

const GRANT_SHAPES = ENVIRONMENTS.flatMap((environment) =>
  (["developer", "operations"] as const).map((role) => ({ role, environment })),
);

/** One owner, valid by construction: every grant's user is registered, unique, in an environment the owner has. */
export function generateOwner(
  org: string,
  production: boolean,
  grants: number,
  index: number,
  expires: IsoDate = addMonths(todayUtc(), 6),
  minimumUsers = 0,
): Owner {
  const environments = production ? GRANT_SHAPES : GRANT_SHAPES.filter((shape) => shape.environment === "tt02");
  const userCount = Math.max(minimumUsers, Math.ceil(grants / environments.length));
  const users = Array.from({ length: userCount }, (_, user) => ({
    upn: `user${user}.${org}@${user % 5 === 4 ? "ai-dev.brreg.no" : "ai-dev.no"}`,
    name: `User ${user} of ${org}`,
  }));
  const access = Array.from({ length: grants }, (_, grant) => {
    const shape = environments[grant % environments.length] as (typeof GRANT_SHAPES)[number];
    return {
      user: users[Math.floor(grant / environments.length)]?.upn ?? "",
      ...shape,
      ticket: `ALTINN-${index * 1000 + grant}`,
      ...(shape.environment === "prod" || grant % 3 === 0 ? { expires } : {}),
    };
  });
  return {
    org,
    name: { nb: `Etat ${org}`, en: `Agency ${org}` },
    orgNumber: orgNumber(index),
    contact: `altinn@${org}.example.no`,
    environments: {
      tt02: { subscriptionId: guid(index, 1) },
      ...(production ? { prod: { subscriptionId: guid(index, 2) } } : {}),
    },
    ...(production
      ? {
          termsOfUse: {
            version: "2025-1",
            acceptedAt: "2025-01-15" as NonNullable<Owner["termsOfUse"]>["acceptedAt"],
            acceptedBy: `Signer of ${org}`,
            reference: `terms-${org}`,
            riskAssessment: true,
            privacyAssessment: true,
            dataProcessingAgreement: true,
            serviceLevelAgreement: true,
          },
        }
      : {}),
    users,
    access,
  };
}

/** Write a whole repository-shaped fleet (the real environment layers plus generated owners) under `root`. */
export function writeFleet(root: string, spec: FleetSpec): void {
  mkdirSync(path.join(root, "stacks"), { recursive: true });
  for (const environment of ENVIRONMENTS) {
    const layer = environmentLayerFileName(environment);
    copyFileSync(path.join(REPO_ROOT, layer), path.join(root, layer));
  }
  spec.owners.forEach(({ org, production }, index) => {
    writeFileSync(
      path.join(root, ownerFilePath(org)),
      stringify(generateOwner(org, production, spec.grantsPerOwner, index, spec.grantsExpire, spec.usersPerOwner)),
    );
  });
}
