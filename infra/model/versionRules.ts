import { environmentLayerFileName, type EnvironmentLayer } from "./environment";
import type { Fleet, FleetSources } from "./fleetShape";
import type { Owner } from "./owner";
import type { FieldPath, Problem } from "./problem";
import { ENVIRONMENTS, type EnvironmentName } from "./schema";
import { parseYamlSource } from "./yamlSource";

/**
 * Kubernetes version rules across files and across time: AKS upgrades one minor version at a time and never
 * downgrades, and prod only runs what tt02 has run first.
 */

const LAYER_VERSION: FieldPath = ["config", "altinn-apps:cluster", "kubernetesVersion"];
const ownerVersionPath = (environment: EnvironmentName): FieldPath => [
  "environments",
  environment,
  "cluster",
  "kubernetesVersion",
];

interface Version {
  readonly text: string;
  readonly major: number;
  readonly minor: number;
  readonly patch?: number;
}

function parseVersion(text: string): Version | undefined {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return undefined;
  return { text, major: Number(match[1]), minor: Number(match[2]), ...(match[3] ? { patch: Number(match[3]) } : {}) };
}

/** Negative when a is older; a patch only counts when both name one ("1.33" is whichever patch AKS picks). */
function compareVersions(a: Version, b: Version): number {
  return (
    a.major - b.major || a.minor - b.minor || (a.patch !== undefined && b.patch !== undefined ? a.patch - b.patch : 0)
  );
}

/** Where a stack's effective version is set: the owner's override, else the layer. */
interface VersionSetting {
  readonly version: Version;
  readonly file: string;
  readonly path: FieldPath;
}

function settingOf(
  sources: FleetSources,
  layers: Fleet["layers"],
  environment: EnvironmentName,
  owner?: Owner,
): VersionSetting | undefined {
  const override = owner?.environments[environment]?.cluster?.kubernetesVersion;
  const layer: EnvironmentLayer | undefined = layers[environment];
  const text = override ?? layer?.cluster.kubernetesVersion;
  const version = text === undefined ? undefined : parseVersion(text);
  if (!version) return undefined;
  return override !== undefined && owner
    ? { version, file: `stacks/${owner.org}.yaml`, path: ownerVersionPath(environment) }
    : { version, file: sources.layers[environment].file, path: LAYER_VERSION };
}

function problemAt(sources: FleetSources, setting: VersionSetting, message: string): Problem {
  const text = [...Object.values(sources.layers), ...sources.owners].find(
    (source) => source.file === setting.file,
  )?.text;
  return parseYamlSource(setting.file, text ?? "").problemAt(setting.path, message);
}

/** Prod may not run a newer Kubernetes version than tt02: the layers, and each owner that overrides either. */
export function checkProdNotAheadOfTt02(sources: FleetSources, fleet: Fleet): Problem[] {
  const check = (owner?: Owner): Problem[] => {
    const [prod, tt02] = [
      settingOf(sources, fleet.layers, "prod", owner),
      settingOf(sources, fleet.layers, "tt02", owner),
    ];
    if (!prod || !tt02 || compareVersions(prod.version, tt02.version) <= 0) return [];
    // A layer-level difference is reported once, on the prod layer, not again for every owner.
    if (owner && prod.file !== `stacks/${owner.org}.yaml` && tt02.file !== `stacks/${owner.org}.yaml`) return [];
    const where = owner && tt02.file === `stacks/${owner.org}.yaml` && prod.file !== tt02.file ? tt02 : prod;
    return [
      problemAt(
        sources,
        where,
        `prod would run Kubernetes ${prod.version.text}, ahead of tt02 (${tt02.version.text}): upgrade tt02 first (${environmentLayerFileName("tt02")})`,
      ),
    ];
  };
  return [
    ...check(),
    ...fleet.owners
      .filter(({ owner }) => owner.environments.prod && owner.environments.tt02)
      .flatMap(({ owner }) => check(owner)),
  ];
}

/** Against the base: a stack's Kubernetes version may not go down, nor skip a minor version. */
export function checkKubernetesUpgrades(
  base: { readonly sources: FleetSources; readonly fleet: Fleet },
  head: { readonly sources: FleetSources; readonly fleet: Fleet },
): Problem[] {
  const transition = (environment: EnvironmentName, before?: VersionSetting, after?: VersionSetting): Problem[] => {
    if (!before || !after) return [];
    const [from, to] = [before.version, after.version];
    if (compareVersions(to, from) < 0)
      return [
        problemAt(
          head.sources,
          after,
          `Kubernetes may not go down (${from.text} → ${to.text} in ${environment}): AKS cannot downgrade a cluster`,
        ),
      ];
    if (to.major === from.major && to.minor > from.minor + 1)
      return [
        problemAt(
          head.sources,
          after,
          `Kubernetes may not skip a minor version (${from.text} → ${to.text} in ${environment}): AKS upgrades one minor at a time; go to ${from.major}.${from.minor + 1} first`,
        ),
      ];
    return [];
  };
  const layerProblems = ENVIRONMENTS.flatMap((environment) =>
    transition(
      environment,
      settingOf(base.sources, base.fleet.layers, environment),
      settingOf(head.sources, head.fleet.layers, environment),
    ),
  );
  const baseOwners = new Map(base.fleet.owners.map(({ owner }) => [owner.org, owner]));
  const ownerProblems = head.fleet.owners.flatMap(({ owner }) =>
    ENVIRONMENTS.flatMap((environment) => {
      const previous = baseOwners.get(owner.org);
      if (!previous?.environments[environment] || !owner.environments[environment]) return [];
      const overridden =
        owner.environments[environment]?.cluster?.kubernetesVersion !== undefined ||
        previous.environments[environment]?.cluster?.kubernetesVersion !== undefined;
      if (!overridden) return [];
      const after = settingOf(head.sources, head.fleet.layers, environment, owner);
      // An override removed: the problem is reported where it was, on the owner's environment.
      const at =
        after && after.file.startsWith("stacks/")
          ? after
          : after && { ...after, file: `stacks/${owner.org}.yaml`, path: ["environments", environment] };
      return transition(environment, settingOf(base.sources, base.fleet.layers, environment, previous), at);
    }),
  );
  return [...layerProblems, ...ownerProblems];
}
