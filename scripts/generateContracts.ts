import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Command, Option } from "commander";
import * as prettier from "prettier";
import { EXIT, parseCommandLine, UsageError, withExitCodes } from "../cli/cli";
import { REPO_ROOT } from "../repository/root";
import { mergeRegenerated } from "../contracts/merge";
import { apiVersionOf, sdkInputNames } from "../contracts/sdkDeclarations";
import { readForceNewTable, type ForceNewEntry } from "../contracts/replacement";
import { SpecReader } from "../contracts/swagger";
import { TerraformReader } from "../contracts/terraform";
import {
  CONTRACTS_DIRECTORY,
  programInputs,
  readContracts,
  trimToUse,
  undefinedInputs,
  type ContractNode,
  type ContractRule,
  type ProviderContract,
  type TypeContract,
} from "../contracts/usage";

/**
 * Where each azure-native type the program registers is created: the end of its PUT path in the API specs
 * (parameters written `{}`); the API version is the one the installed SDK module names.
 */
export const ARM_RESOURCES: Readonly<Record<string, string>> = {
  "azure-native:resources:ResourceGroup": "/resourcegroups/{}",
  "azure-native:operationalinsights:Workspace": "/providers/Microsoft.OperationalInsights/workspaces/{}",
  "azure-native:applicationinsights:Component": "/providers/Microsoft.Insights/components/{}",
  "azure-native:keyvault:Vault": "/providers/Microsoft.KeyVault/vaults/{}",
  "azure-native:containerservice:ManagedCluster": "/providers/Microsoft.ContainerService/managedClusters/{}",
  "azure-native:containerservice:AgentPool": "/managedClusters/{}/agentPools/{}",
  "azure-native:containerservice:MaintenanceConfiguration": "/managedClusters/{}/maintenanceConfigurations/{}",
  "azure-native:monitor:DiagnosticSetting": "/providers/Microsoft.Insights/diagnosticSettings/{}",
  "azure-native:monitor:DataCollectionRule": "/providers/Microsoft.Insights/dataCollectionRules/{}",
  "azure-native:monitor:DataCollectionRuleAssociation":
    "/providers/Microsoft.Insights/dataCollectionRuleAssociations/{}",
  "azure-native:authorization:RoleAssignment": "/providers/Microsoft.Authorization/roleAssignments/{}",
  "azure-native:network:PrivateEndpoint": "/providers/Microsoft.Network/privateEndpoints/{}",
  "azure-native:network:PrivateDnsZoneGroup": "/privateEndpoints/{}/privateDnsZoneGroups/{}",
  "azure-native:network:VirtualNetwork": "/providers/Microsoft.Network/virtualNetworks/{}",
  "azure-native:network:Subnet": "/virtualNetworks/{}/subnets/{}",
  "azure-native:network:NatGateway": "/providers/Microsoft.Network/natGateways/{}",
  "azure-native:network:PublicIPPrefix": "/providers/Microsoft.Network/publicIPPrefixes/{}",
  "azure-native:privatedns:PrivateZone": "/providers/Microsoft.Network/privateDnsZones/{}",
  "azure-native:privatedns:VirtualNetworkLink": "/privateDnsZones/{}/virtualNetworkLinks/{}",
  "azure-native:managedidentity:UserAssignedIdentity": "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{}",
  "azure-native:managedidentity:FederatedIdentityCredential":
    "/userAssignedIdentities/{}/federatedIdentityCredentials/{}",
};

/** Where each azuread type's schema is written, at the Terraform provider version @pulumi/azuread wraps. */
export const TERRAFORM_RESOURCES: Readonly<Record<string, { file: string; marker: string }>> = {
  "azuread:index/group:Group": { file: "internal/services/groups/group_resource.go", marker: "func groupResource()" },
  "azuread:index/groupRoleManagementPolicy:GroupRoleManagementPolicy": {
    file: "internal/services/policies/group_role_management_policy_resource.go",
    marker: "func (r GroupRoleManagementPolicyResource) Arguments()",
  },
  "azuread:index/privilegedAccessGroupAssignmentSchedule:PrivilegedAccessGroupAssignmentSchedule": {
    file: "internal/services/identitygovernance/privileged_access_group_schedule.go",
    marker: "func privilegedAccessGroupScheduleArguments()",
  },
  "azuread:index/privilegedAccessGroupEligibilitySchedule:PrivilegedAccessGroupEligibilitySchedule": {
    file: "internal/services/identitygovernance/privileged_access_group_schedule.go",
    marker: "func privilegedAccessGroupScheduleArguments()",
  },
};

export const REGENERATE =
  "npm run generate-contracts -- --specs <Azure/azure-rest-api-specs> --azure-native <pulumi/pulumi-azure-native at the tag of @pulumi/azure-native> --azuread <hashicorp/terraform-provider-azuread at the commit pulumi-azuread's provider/go.mod names>";

interface Options {
  specs: string;
  azureNative: string;
  azuread?: string;
  out: string;
  source: string[];
  only: string[];
}

function installedVersion(pkg: string): string {
  return (
    JSON.parse(readFileSync(path.join(REPO_ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }
  ).version;
}

/** The checkout's commit, or what the caller says about it (a folder of files taken from one). */
function describeSource(directory: string, notes: ReadonlyMap<string, string>, name: string): string {
  const note = notes.get(name);
  if (note) return note;
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", directory, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    // A folder inside some other repository is not a checkout of the source.
    if (realpathSync(git("rev-parse", "--show-toplevel")) === realpathSync(directory))
      return `commit ${git("rev-parse", "HEAD")}`;
  } catch {
    // not in a git repository at all
  }
  return `${directory} (not a git checkout)`;
}

/** Adds `rule` to every node under `node` reached by the SDK property name `property`. */
function markEverywhere(node: ContractNode, property: string, rule: ContractRule): ContractNode {
  const properties = node.properties
    ? Object.fromEntries(
        Object.entries(node.properties).map(([key, child]) => {
          const marked = markEverywhere(child, property, rule);
          return [key, key === property ? { ...marked, rules: [...(marked.rules ?? []), rule] } : marked];
        }),
      )
    : undefined;
  return {
    ...node,
    ...(properties && { properties }),
    ...(node.items && { items: markEverywhere(node.items, property, rule) }),
    ...(node.values && { values: markEverywhere(node.values, property, rule) }),
  };
}

/**
 * A top-level input the installed SDK takes but the spec file read marks read-only: the file is of another commit than
 * the one azure-native generated the SDK from (the SDK drops read-only properties from its inputs). Its read-only rule
 * would refuse what the provider sends, so it is dropped and listed as unchecked.
 */
function dropReadOnlyInputs(
  inputs: ContractNode,
  sdkInputs: ReadonlySet<string>,
): { inputs: ContractNode; skewed: { property: string; source: string }[] } {
  const skewed: { property: string; source: string }[] = [];
  const properties = Object.fromEntries(
    Object.entries(inputs.properties ?? {}).map(([name, node]) => {
      const readOnly = node.rules?.find((rule) => rule.kind === "readOnly");
      if (!readOnly || !sdkInputs.has(name)) return [name, node];
      skewed.push({ property: name, source: readOnly.source });
      return [name, { ...node, rules: node.rules?.filter((rule) => rule !== readOnly) }];
    }),
  );
  return { inputs: { ...inputs, ...(inputs.properties && { properties }) }, skewed };
}

/** azure-native's table names modules as its older generator did (`Insights` for Application Insights and Monitor). */
function inModule(entry: ForceNewEntry, type: string): boolean {
  const [, module = "", resource = ""] = type.split(":");
  const table = entry.module.toLowerCase();
  return (
    entry.resource === resource &&
    (table === module || (table === "insights" && ["applicationinsights", "monitor"].includes(module)))
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** The azure-native contracts a partial regeneration (`--only`) keeps: those in the output folder. */
function committedContracts(directory: string): ProviderContract {
  try {
    const [azureNative] = readContracts(directory);
    if (azureNative) return azureNative;
  } catch (error) {
    throw new Error(`--only keeps the committed contracts of ${directory}, which cannot be read: ${String(error)}`);
  }
  throw new Error(`--only keeps the committed contracts of ${directory}: none found`);
}

/** Written as `npm run lint` (prettier) wants it, so a regeneration's diff is only the data's. */
async function writeContract(directory: string, file: string, contract: ProviderContract): Promise<void> {
  const target = path.join(directory, file);
  const options = (await prettier.resolveConfig(target)) ?? {};
  writeFileSync(
    target,
    await prettier.format(JSON.stringify(sortKeys(contract), null, 2), { ...options, filepath: target }),
  );
}

/** `generateContracts`'s command line: its options and what its exit codes mean (docs/reference/cli.md is generated from it). */
export function command(): Command {
  return withExitCodes(
    new Command("generate-contracts")
      .description(
        "Write the provider contracts (plan/semantics/contracts/*.json) from local checkouts of the providers' sources.",
      )
      .requiredOption(
        "--specs <dir>",
        "a checkout of Azure/azure-rest-api-specs (or a folder of its files, laid out the same)",
      )
      .requiredOption(
        "--azure-native <dir>",
        "pulumi/pulumi-azure-native at the tag of the installed @pulumi/azure-native",
      )
      .option(
        "--azuread <dir>",
        "hashicorp/terraform-provider-azuread at the commit @pulumi/azuread wraps (not with --only)",
      )
      .option(
        "--only <type>",
        "regenerate this azure-native type only (repeatable), keeping the committed contracts of the others and azuread.json",
        (value: string, previous: string[]) => [...previous, value],
        [],
      )
      .addOption(
        new Option(
          "--out <dir>",
          "where to write the contracts (with --only: where the committed ones are read)",
        ).default(CONTRACTS_DIRECTORY, "plan/semantics/contracts"),
      )
      .option(
        "--source <name=text>",
        "describe a source that is not a git checkout (specs, azure-native, azuread), e.g. specs='files of commit …'",
        (value: string, previous: string[]) => [...previous, value],
        [],
      ),
    {
      ok: "the contracts written",
      invalid:
        "a source could not be read; with --only: no committed contracts, another provider version, or a type that has a contract not found",
      usage: "a missing checkout option, unknown option, --only type, or --azuread with --only",
    },
  );
}

export async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandLine<Options>(command(), argv);
  if ("exitCode" in parsed) return parsed.exitCode;
  const { options } = parsed;
  const unknownTypes = options.only.filter((type) => !(type in ARM_RESOURCES));
  if (unknownTypes.length > 0)
    throw new UsageError(
      `--only ${unknownTypes.join(", ")}: not an azure-native type the program registers (${Object.keys(ARM_RESOURCES).join(", ")})`,
    );
  const partial = options.only.length > 0;
  if (partial === (options.azuread !== undefined))
    throw new UsageError(
      partial ? "--azuread with --only: azuread.json is kept as committed" : "--azuread is required",
    );
  for (const directory of [options.specs, options.azureNative, ...(options.azuread ? [options.azuread] : [])])
    if (!existsSync(directory)) throw new Error(`${directory} does not exist`);
  const notes = new Map(
    options.source.map((entry) => {
      const [name = "", ...text] = entry.split("=");
      return [name, text.join("=")] as const;
    }),
  );

  const used = await programInputs(REPO_ROOT);
  const trimmed = (type: string, contract: TypeContract): TypeContract => ({
    ...contract,
    inputs: trimToUse(contract.inputs, used.get(type) ?? []),
  });
  const undefinedHere = (types: Readonly<Record<string, TypeContract>>) =>
    Object.entries(types).flatMap(([type, contract]) =>
      undefinedInputs(contract.inputs, used.get(type) ?? []).map((property) => ({
        type,
        property,
        source: contract.source,
        what: "set by the program, not defined by the source files read: not checked",
      })),
    );

  const specs = new SpecReader(options.specs);
  const forceNew = readForceNewTable(options.azureNative);
  const azureNativeTypes: Record<string, TypeContract> = {};
  const azureNativeMissing: Record<string, string> = {};
  const wanted = Object.entries(ARM_RESOURCES).filter(([type]) => !partial || options.only.includes(type));
  const notChecked: ProviderContract["unchecked"][number][] = [];
  for (const [type, suffix] of wanted) {
    const apiVersion = apiVersionOf(type);
    const read = specs.resourceContract(apiVersion, suffix);
    if (!read) {
      azureNativeMissing[type] =
        `no spec file of API version ${apiVersion} with a PUT on …${suffix} in the given checkout`;
      continue;
    }
    const { contract, missing } = read;
    const { inputs: withReadOnlyInputs, skewed } = dropReadOnlyInputs(
      trimmed(type, contract).inputs,
      sdkInputNames(type),
    );
    let inputs = withReadOnlyInputs;
    for (const entry of forceNew.filter((candidate) => inModule(candidate, type)))
      inputs = markEverywhere(inputs, entry.property, { kind: "forceNew", source: `${entry.source}` });
    azureNativeTypes[type] = { ...contract, inputs };
    for (const { property, source } of skewed)
      notChecked.push({
        type,
        property,
        source,
        what: "read-only in the spec file read, an input of the installed SDK: that file is not the commit the SDK was generated from; the read-only rule is not checked",
      });
    for (const [file, referrer] of [...missing].sort())
      notChecked.push({
        type,
        property: "*",
        source: file,
        what: `referenced by ${referrer}, absent from the checkout: the rules it holds are not in this contract`,
      });
  }
  const regenerated: ProviderContract = {
    package: "@pulumi/azure-native",
    version: installedVersion("@pulumi/azure-native"),
    sources: {
      "Azure/azure-rest-api-specs": describeSource(options.specs, notes, "specs"),
      "pulumi/pulumi-azure-native": describeSource(options.azureNative, notes, "azure-native"),
    },
    regenerate: REGENERATE,
    types: azureNativeTypes,
    notCovered: azureNativeMissing,
    unchecked: [...notChecked, ...undefinedHere(azureNativeTypes)],
  };
  const azureNative = partial
    ? mergeRegenerated(committedContracts(options.out), regenerated, options.only, new Set(specs.filesRead()))
    : regenerated;
  if (!options.azuread) {
    await writeContract(options.out, "azure-native.json", azureNative);
    process.stdout.write(
      `azure-native ${azureNative.version}: regenerated ${options.only.join(", ")}; ${Object.keys(azureNative.types).length} types, ${Object.keys(azureNative.notCovered).length} not covered\n`,
    );
    return EXIT.ok;
  }

  const terraform = new TerraformReader(options.azuread);
  const azureadTypes: Record<string, TypeContract> = {};
  for (const [type, { file, marker }] of Object.entries(TERRAFORM_RESOURCES))
    azureadTypes[type] = trimmed(type, terraform.schema(file, marker));
  const azuread: ProviderContract = {
    package: "@pulumi/azuread",
    version: installedVersion("@pulumi/azuread"),
    sources: { "hashicorp/terraform-provider-azuread": describeSource(options.azuread, notes, "azuread") },
    regenerate: REGENERATE,
    types: azureadTypes,
    notCovered: {},
    // The two schedule types share one schema function: each validation it could not read is listed once per type.
    unchecked: [
      ...Object.entries(TERRAFORM_RESOURCES).flatMap(([type, { file }]) =>
        [...new Map(terraform.unchecked.map((entry) => [entry.source, entry])).values()]
          .filter((entry) => entry.source.startsWith(`${file}:`))
          .map((entry) => ({ type, ...entry })),
      ),
      ...undefinedHere(azureadTypes),
    ],
  };

  await writeContract(options.out, "azure-native.json", azureNative);
  await writeContract(options.out, "azuread.json", azuread);
  process.stdout.write(
    `azure-native ${azureNative.version}: ${Object.keys(azureNativeTypes).length} types, ${Object.keys(azureNativeMissing).length} not covered; azuread ${azuread.version}: ${Object.keys(azureadTypes).length} types\n`,
  );
  return EXIT.ok;
}
