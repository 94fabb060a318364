import { adoptionProblem, type AdoptableKind } from "./resourceNames";
import { accessPolicy, latestAllowedExpiry } from "./access";
import { closest } from "./closest";
import { hasExpired, type IsoDate } from "./dates";
import type { EnvironmentLayer } from "./environment";
import { networkLayoutProblems } from "./network";
import { TERMS_CONFIRMATIONS, type Owner } from "./owner";
import type { Problem } from "./problem";
import type { EnvironmentName } from "./schema";
import type { YamlSource } from "./yamlSource";
import { termsShortcomingsOf } from "./terms";

export interface ParsedOwner {
  /** The org code the file name claims: `stacks/digdir.yaml` → `digdir`. */
  readonly fileOrg: string;
  readonly source: YamlSource;
  readonly owner: Owner;
}

type Layers = Partial<Record<EnvironmentName, EnvironmentLayer>>;

/** Rules no single-file schema can express: file names, references between sections, and uniqueness across owners. */
export function checkFleetRules(owners: readonly ParsedOwner[], layers: Layers): Problem[] {
  return [
    ...owners.flatMap((parsed) => [
      ...checkOrgMatchesFile(parsed),
      ...checkUsers(parsed, layers),
      ...checkGrants(parsed, layers),
      ...checkEnvironments(parsed, layers),
    ]),
    ...checkUsersBelongToOneOwner(owners),
    ...checkSubscriptionsBelongToOneEnvironment(owners),
  ];
}

/**
 * Expired grants: an error in a pull request (remove them), but not a reason to stop a deploy. The program leaves
 * them out of the groups, so access ends on the expiry date even before the file is cleaned up.
 */
export function checkExpiredGrants({ source, owner }: ParsedOwner, today: IsoDate): Problem[] {
  return owner.access.flatMap((grant, index) =>
    hasExpired(grant.expires, today)
      ? [
          source.problemAt(
            ["access", index, "expires"],
            `the date ${grant.expires} is in the past (today is ${today}): the grant has ended, so remove it ` +
              "from access, or correct the date if the grant is new",
          ),
        ]
      : [],
  );
}

/**
 * Warnings, not errors: a terms-of-use record for another version than prod requires. The policy is the gate (it
 * refuses prod), so raising the required version in the prod layer does not make every owner file invalid.
 */
export function checkTermsVersion({ source, owner }: ParsedOwner, layers: Layers): Problem[] {
  const required = layers.prod?.termsOfUseVersion;
  const accepted = owner.termsOfUse?.version;
  if (!required || accepted === undefined || accepted === required) return [];
  return [
    source.problemAt(
      ["termsOfUse", "version"],
      `version "${accepted}" is not the version prod requires: the owner must accept version "${required}" ` +
        "before its next prod deploy (until then prod-requires-accepted-terms refuses it)",
    ),
  ];
}

/**
 * What prod-requires-accepted-terms will refuse, found by `validate` before anyone plans: for an owner with a prod
 * environment an error (the policy would refuse every prod resource), for one without prod a warning on an
 * incomplete record. A version other than the required one is checkTermsVersion's warning, not repeated here.
 */
export function checkTermsForProd(
  { source, owner }: ParsedOwner,
  layers: Layers,
  today: IsoDate,
): { errors: Problem[]; warnings: Problem[] } {
  const required = layers.prod?.termsOfUseVersion;
  const hasProd = owner.environments.prod !== undefined;
  if (!required || (!hasProd && !owner.termsOfUse)) return { errors: [], warnings: [] };
  const consequence = hasProd
    ? "prod-requires-accepted-terms refuses every prod resource of this owner until the record is complete"
    : "prod-requires-accepted-terms will refuse this owner's prod until the record is complete";
  const problems = termsShortcomingsOf(owner.termsOfUse, required, today)
    .filter((shortcoming) => owner.termsOfUse === undefined || shortcoming.path[1] !== "version")
    .map((shortcoming) => {
      const at = owner.termsOfUse ? shortcoming.path : ["environments", "prod"];
      const missing = owner.termsOfUse
        ? ""
        : ` (add termsOfUse with version "${required}", acceptedAt, acceptedBy, reference and ${TERMS_CONFIRMATIONS.join(", ")}: true)`;
      return source.problemAt(at, `${shortcoming.message}${missing}: ${consequence}`, { atKey: true });
    });
  return hasProd ? { errors: problems, warnings: [] } : { errors: [], warnings: problems };
}

/**
 * Grant lifetimes from the environment layer (see accessPolicy): `expires` where the layer requires it, no later than
 * its limit from today, and `standing` only where the layer allows it. A grant that met the limit when it was written
 * keeps meeting it as days pass, so only a new or changed grant (or a tightened layer) can fail here.
 */
export function checkGrantLifetimes({ source, owner }: ParsedOwner, layers: Layers, today: IsoDate): Problem[] {
  return owner.access.flatMap((grant, index): Problem[] => {
    const layer = layers[grant.environment];
    if (!layer || !owner.environments[grant.environment] || hasExpired(grant.expires, today)) return [];
    const policy = accessPolicy(layer);
    const lifetime = policy.lifetime[grant.role];
    const at = (field: string, message: string) => source.problemAt(["access", index, field], message);
    const problems: Problem[] = [];
    const latest = latestAllowedExpiry(lifetime, today);
    if (grant.expires === undefined && lifetime.expiresRequired) {
      problems.push(
        at(
          "role",
          `${grant.role} grants in ${grant.environment} must set expires` +
            (latest ? ` (at the latest ${latest})` : ""),
        ),
      );
    }
    if (grant.expires !== undefined && latest !== undefined && grant.expires > latest) {
      problems.push(
        at(
          "expires",
          `${grant.expires} is beyond the ${lifetime.maxMonths}-month limit for ${grant.role} in ${grant.environment}: the latest allowed date is ${latest}`,
        ),
      );
    }
    if (grant.standing === true && !policy.justInTime?.allowStanding) {
      problems.push(
        at("standing", `standing access is not allowed in ${grant.environment} (see the layer's justInTime)`),
      );
    }
    return problems;
  });
}

function checkOrgMatchesFile({ fileOrg, source, owner }: ParsedOwner): Problem[] {
  return owner.org === fileOrg
    ? []
    : [source.problemAt(["org"], `"${owner.org}" must equal the file name (${fileOrg}.yaml)`)];
}

function domainOf(upn: string): string {
  return upn.slice(upn.lastIndexOf("@") + 1);
}

function checkUsers({ source, owner }: ParsedOwner, layers: Layers): Problem[] {
  const allowedDomains = new Set(Object.values(layers).flatMap((layer) => layer.loginDomains));
  const firstIndex = new Map<string, number>();
  return owner.users.flatMap((user, index): Problem[] => {
    const problems: Problem[] = [];
    const earlier = firstIndex.get(user.upn);
    if (earlier === undefined) firstIndex.set(user.upn, index);
    else
      problems.push(
        source.problemAt(["users", index, "upn"], `${user.upn} is already registered at users[${earlier}]`),
      );
    if (allowedDomains.size > 0 && !allowedDomains.has(domainOf(user.upn))) {
      problems.push(
        source.problemAt(
          ["users", index, "upn"],
          `login domain "${domainOf(user.upn)}" is not allowed (allowed: ${[...allowedDomains].join(", ")})`,
        ),
      );
    }
    return problems;
  });
}

function grantKey(grant: Owner["access"][number]): string {
  return `${grant.user} ${grant.role} ${grant.environment}`;
}

function checkGrants({ source, owner }: ParsedOwner, layers: Layers): Problem[] {
  const registered = new Set(owner.users.map((user) => user.upn));
  const firstIndex = new Map<string, number>();
  return owner.access.flatMap((grant, index): Problem[] => {
    const problems: Problem[] = [];
    const at = (field: string, message: string) => problems.push(source.problemAt(["access", index, field], message));
    if (!registered.has(grant.user)) {
      const suggestion = closest(grant.user, registered);
      at(
        "user",
        `${grant.user} is not registered in this owner's users${suggestion ? ` (did you mean ${suggestion}?)` : ""}`,
      );
    }
    const earlier = firstIndex.get(grantKey(grant));
    if (earlier === undefined) firstIndex.set(grantKey(grant), index);
    else
      at(
        "user",
        `duplicate grant: access[${earlier}] already gives ${grant.user} ${grant.role} in ${grant.environment}`,
      );
    if (!owner.environments[grant.environment]) {
      at("environment", `this owner has no ${grant.environment} environment (see environments)`);
    }
    const domains = layers[grant.environment]?.loginDomains;
    if (domains && !domains.includes(domainOf(grant.user)) && registered.has(grant.user)) {
      at("user", `login domain "${domainOf(grant.user)}" is not allowed in ${grant.environment}`);
    }
    return problems;
  });
}

function checkEnvironments({ source, owner }: ParsedOwner, layers: Layers): Problem[] {
  return Object.entries(owner.environments).flatMap(([name, settings]): Problem[] => {
    const layer = layers[name as EnvironmentName];
    if (!settings || !layer) return [];
    const problems: Problem[] = [];
    if (settings.location !== undefined && !layer.locations.allowed.includes(settings.location)) {
      problems.push(
        source.problemAt(
          ["environments", name, "location"],
          `"${settings.location}" is not an allowed region in ${name} (allowed: ${layer.locations.allowed.join(", ")})`,
        ),
      );
    }
    if (settings.network) {
      for (const { field, message } of networkLayoutProblems({ ...layer.network, ...settings.network }))
        problems.push(
          source.problemAt(
            ["environments", name, "network"],
            `${field}: ${message} once merged with the ${name} layer`,
          ),
        );
    }
    for (const [kind, value] of Object.entries(settings.adopt ?? {})) {
      const problem =
        value === undefined
          ? undefined
          : adoptionProblem(kind as AdoptableKind, value, {
              org: owner.org,
              environment: name as EnvironmentName,
              ...settings,
            });
      if (problem) problems.push(source.problemAt(["environments", name, "adopt", kind], problem));
    }
    if (settings.adopt?.keyVault !== undefined && settings.recoverKeyVault !== undefined) {
      problems.push(
        source.problemAt(
          ["environments", name, "recoverKeyVault"],
          "an adopted vault exists and is not recovered: remove recoverKeyVault, or the adopt entry",
        ),
      );
    }
    const { minNodes, maxNodes } = { ...layer.cluster, ...settings.cluster };
    if (minNodes > maxNodes) {
      problems.push(
        source.problemAt(
          ["environments", name, "cluster"],
          `minNodes (${minNodes}) must not exceed maxNodes (${maxNodes}) once merged with the ${name} defaults`,
        ),
      );
    }
    return problems;
  });
}

/** A person logs in with one account that belongs to one service owner. Linear in the number of users. */
function checkUsersBelongToOneOwner(owners: readonly ParsedOwner[]): Problem[] {
  const registrations = new Map<string, { parsed: ParsedOwner; index: number }[]>();
  for (const parsed of owners) {
    parsed.owner.users.forEach((user, index) => {
      const existing = registrations.get(user.upn);
      if (!existing) registrations.set(user.upn, [{ parsed, index }]);
      else if (!existing.some((registration) => registration.parsed === parsed)) existing.push({ parsed, index });
    });
  }
  return [...registrations.entries()]
    .filter(([, registeredWith]) => registeredWith.length > 1)
    .flatMap(([upn, registeredWith]) =>
      registeredWith.map(({ parsed, index }) => {
        const others = registeredWith
          .filter((other) => other.parsed !== parsed)
          .map((other) => other.parsed.source.file);
        return parsed.source.problemAt(
          ["users", index, "upn"],
          `${upn} is also registered with ${others.join(", ")}: a user belongs to one service owner`,
        );
      }),
    );
}

/**
 * A subscription holds one owner environment: two stacks in one subscription would share its resource groups, role
 * definitions and quotas, and a tt02 deploy could touch prod. Each place is reported, naming the other(s).
 */
function checkSubscriptionsBelongToOneEnvironment(owners: readonly ParsedOwner[]): Problem[] {
  const places = owners.flatMap((parsed) =>
    Object.entries(parsed.owner.environments).flatMap(([environment, settings]) =>
      settings
        ? [{ parsed, subscriptionId: settings.subscriptionId, path: ["environments", environment, "subscriptionId"] }]
        : [],
    ),
  );
  const bySubscription = new Map<string, (typeof places)[number][]>();
  for (const place of places) {
    bySubscription.set(place.subscriptionId, [...(bySubscription.get(place.subscriptionId) ?? []), place]);
  }
  return [...bySubscription.values()]
    .filter((sharing) => sharing.length > 1)
    .flatMap((sharing) => {
      const problems = sharing.map((place) => place.parsed.source.problemAt(place.path, ""));
      const subscriptionId = sharing[0]?.subscriptionId;
      return problems.map((problem) => {
        const others = problems
          .filter((other) => other !== problem)
          .map((other) => `${other.file}:${other.line} (${other.path})`);
        return {
          ...problem,
          message: `${subscriptionId} is also used at ${others.join(", ")}: a subscription belongs to one owner and one environment`,
        };
      });
    });
}
