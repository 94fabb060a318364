import type * as pulumi from "@pulumi/pulumi";
import { nameBasedGuid } from "../../infra/guid";
import type { Fleet } from "../../infra/model/fleetShape";
import type { ContractChecker } from "./contracts/check";

/** The Entra ID users the mocked tenant knows: UPN → object id. */
export type Directory = ReadonlyMap<string, string>;

export function directoryOf(upns: Iterable<string>): Directory {
  return new Map([...upns].map((upn) => [upn.toLowerCase(), nameBasedGuid("user", upn.toLowerCase())]));
}

/** A tenant in which every user registered in the fleet exists. */
export function fleetDirectory(fleet: Fleet): Directory {
  return directoryOf(fleet.owners.flatMap(({ owner }) => owner.users.map((user) => user.upn)));
}

/** Which input holds a resource's Azure name: azure-native echoes it as the `name` output. */
const NAME_INPUTS: Readonly<Record<string, string>> = {
  "azure-native:resources:ResourceGroup": "resourceGroupName",
  "azure-native:operationalinsights:Workspace": "workspaceName",
  "azure-native:applicationinsights:Component": "resourceName",
  "azure-native:keyvault:Vault": "vaultName",
  "azure-native:containerservice:ManagedCluster": "resourceName",
  "azure-native:monitor:DiagnosticSetting": "name",
  "azure-native:authorization:RoleAssignment": "roleAssignmentName",
  "azure-native:network:PrivateEndpoint": "privateEndpointName",
  "azure-native:network:PrivateDnsZoneGroup": "privateDnsZoneGroupName",
  "azure-native:network:VirtualNetwork": "virtualNetworkName",
  "azure-native:network:Subnet": "subnetName",
  "azure-native:network:NatGateway": "natGatewayName",
  "azure-native:network:PublicIPPrefix": "publicIpPrefixName",
  "azure-native:privatedns:PrivateZone": "privateZoneName",
  "azure-native:privatedns:VirtualNetworkLink": "virtualNetworkLinkName",
  "azure-native:managedidentity:UserAssignedIdentity": "resourceName",
  "azure-native:managedidentity:FederatedIdentityCredential": "federatedIdentityCredentialResourceName",
  "azure-native:containerservice:AgentPool": "agentPoolName",
  "azure-native:containerservice:MaintenanceConfiguration": "configName",
  "azure-native:monitor:DataCollectionRule": "dataCollectionRuleName",
  "azure-native:monitor:DataCollectionRuleAssociation": "associationName",
};

/** ARM resource provider paths, for plausible resource ids. */
const ARM_TYPES: Readonly<Record<string, string>> = {
  "azure-native:operationalinsights:Workspace": "Microsoft.OperationalInsights/workspaces",
  "azure-native:applicationinsights:Component": "Microsoft.Insights/components",
  "azure-native:keyvault:Vault": "Microsoft.KeyVault/vaults",
  "azure-native:containerservice:ManagedCluster": "Microsoft.ContainerService/managedClusters",
  "azure-native:network:PrivateEndpoint": "Microsoft.Network/privateEndpoints",
  "azure-native:network:VirtualNetwork": "Microsoft.Network/virtualNetworks",
  "azure-native:network:NatGateway": "Microsoft.Network/natGateways",
  "azure-native:network:PublicIPPrefix": "Microsoft.Network/publicIPPrefixes",
  "azure-native:privatedns:PrivateZone": "Microsoft.Network/privateDnsZones",
  "azure-native:managedidentity:UserAssignedIdentity": "Microsoft.ManagedIdentity/userAssignedIdentities",
  "azure-native:monitor:DataCollectionRule": "Microsoft.Insights/dataCollectionRules",
};

/** Child resources: their id is the parent's id (from the named inputs) plus a collection and their own name. */
const CHILD_TYPES: Readonly<Record<string, { parent: (inputs: Inputs) => string; collection: string }>> = {
  "azure-native:network:Subnet": {
    parent: (inputs) => `Microsoft.Network/virtualNetworks/${text(inputs["virtualNetworkName"])}`,
    collection: "subnets",
  },
  "azure-native:privatedns:VirtualNetworkLink": {
    parent: (inputs) => `Microsoft.Network/privateDnsZones/${text(inputs["privateZoneName"])}`,
    collection: "virtualNetworkLinks",
  },
  "azure-native:containerservice:AgentPool": {
    parent: (inputs) => `Microsoft.ContainerService/managedClusters/${text(inputs["resourceName"])}`,
    collection: "agentPools",
  },
  "azure-native:containerservice:MaintenanceConfiguration": {
    parent: (inputs) => `Microsoft.ContainerService/managedClusters/${text(inputs["resourceName"])}`,
    collection: "maintenanceConfigurations",
  },
  "azure-native:managedidentity:FederatedIdentityCredential": {
    parent: (inputs) => `Microsoft.ManagedIdentity/userAssignedIdentities/${text(inputs["resourceName"])}`,
    collection: "federatedIdentityCredentials",
  },
};

/** A public IP prefix of the requested length inside TEST-NET-3 (203.0.113.0/24), the same for the same name. */
function publicPrefix(name: string, prefixLength: unknown): string {
  const length = typeof prefixLength === "number" ? prefixLength : 31;
  const size = 2 ** (32 - length);
  const block = parseInt(nameBasedGuid("prefix", name).slice(0, 4), 16) % (256 / size);
  return `203.0.113.${block * size}/${length}`;
}

type Inputs = Record<string, unknown>;

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** Outputs Azure and Entra ID compute that the program reads back; without them dependent inputs would be undefined. */
function computedOutputs(type: string, name: string, inputs: Inputs, subscriptionId: string): Inputs {
  const azureName = text(inputs[NAME_INPUTS[type] ?? ""]) || name;
  const group = `/subscriptions/${subscriptionId}/resourceGroups/${text(inputs["resourceGroupName"])}`;
  const armType = ARM_TYPES[type];
  switch (type) {
    case "azure-native:resources:ResourceGroup":
      return { name: azureName, id: group };
    case "azure-native:authorization:RoleAssignment":
      return {
        name: azureName,
        id: `${text(inputs["scope"])}/providers/Microsoft.Authorization/roleAssignments/${azureName}`,
      };
    case "azure-native:monitor:DiagnosticSetting":
      return {
        name: azureName,
        id: `${text(inputs["resourceUri"])}/providers/Microsoft.Insights/diagnosticSettings/${azureName}`,
      };
    case "azure-native:monitor:DataCollectionRuleAssociation":
      return {
        name: azureName,
        id: `${text(inputs["resourceUri"])}/providers/Microsoft.Insights/dataCollectionRuleAssociations/${azureName}`,
      };
    case "azure-native:network:PublicIPPrefix":
      return {
        name: azureName,
        id: `${group}/providers/${armType}/${azureName}`,
        ipPrefix: publicPrefix(azureName, inputs["prefixLength"]),
      };
    case "azure-native:managedidentity:UserAssignedIdentity": {
      const id = `${group}/providers/${armType}/${azureName}`;
      return {
        name: azureName,
        id,
        clientId: nameBasedGuid("client", id.toLowerCase()),
        principalId: nameBasedGuid("principal", id.toLowerCase()),
      };
    }
    case "azure-native:keyvault:Vault":
      return {
        name: azureName,
        id: `${group}/providers/${armType}/${azureName}`,
        properties: { ...(inputs["properties"] as Inputs), vaultUri: `https://${azureName}.vault.azure.net/` },
      };
    case "azure-native:applicationinsights:Component": {
      const key = nameBasedGuid("instrumentation", azureName);
      return {
        name: azureName,
        id: `${group}/providers/${armType}/${azureName}`,
        instrumentationKey: key,
        connectionString: `InstrumentationKey=${key};IngestionEndpoint=https://${text(inputs["location"])}-0.in.applicationinsights.azure.com/`,
      };
    }
    case "azure-native:containerservice:ManagedCluster": {
      const addons = (inputs["addonProfiles"] ?? {}) as Record<string, Inputs>;
      const withIdentities = Object.fromEntries(
        Object.entries(addons).map(([addon, profile]) => [
          addon,
          {
            ...profile,
            identity: {
              objectId: nameBasedGuid("addon", azureName, addon),
              clientId: nameBasedGuid("client", azureName, addon),
            },
          },
        ]),
      );
      return {
        name: azureName,
        id: `${group}/providers/${armType}/${azureName}`,
        fqdn: `${text(inputs["dnsPrefix"])}.hcp.${text(inputs["location"])}.azmk8s.io`,
        addonProfiles: withIdentities,
        oidcIssuerProfile: {
          enabled: true,
          issuerURL: `https://${text(inputs["location"])}.oic.prod-aks.azure.com/${nameBasedGuid("tenant", subscriptionId)}/${nameBasedGuid("issuer", azureName)}/`,
        },
      };
    }
    case "azuread:index/group:Group":
      return { objectId: nameBasedGuid("group", text(inputs["mailNickname"])) };
    default: {
      const child = CHILD_TYPES[type];
      if (child)
        return { name: azureName, id: `${group}/providers/${child.parent(inputs)}/${child.collection}/${azureName}` };
      return armType ? { name: azureName, id: `${group}/providers/${armType}/${azureName}` } : {};
    }
  }
}

/** The resource name inside a provider reference `urn:pulumi:…::<name>::<id>`. */
function providerName(reference: string | undefined): string | undefined {
  return reference?.split("::").at(-2);
}

/**
 * Pulumi mocks that answer like Azure and Entra ID for this program: ids, names and computed outputs, and user
 * look-ups against a given directory. Every registered resource is reported to `onResource`, and its inputs are
 * checked against the providers' contracts by `checker` (what ARM or the provider would refuse; see plan/semantics/contracts).
 */
export class AzureMocks implements pulumi.runtime.Mocks {
  private readonly subscriptions = new Map<string, string>();

  constructor(
    private readonly directory: Directory,
    private readonly onResource: (args: pulumi.runtime.MockResourceArgs, computed: Inputs) => void = () => undefined,
    /**
     * A first preview: nothing exists in Azure yet, so nothing computed is known (ids, object ids, URIs), and every
     * input that depends on it is unknown, as the engine shows them. Providers still get an id.
     */
    private readonly nothingExistsYet = false,
    private readonly checker?: ContractChecker,
  ) {}

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Inputs } {
    const inputs = args.inputs as Inputs;
    if (args.type === "pulumi:providers:azure-native")
      this.subscriptions.set(args.name, text(inputs["subscriptionId"]));
    const subscriptionId =
      this.subscriptions.get(providerName(args.provider) ?? "") ?? "00000000-0000-0000-0000-000000000000";
    this.checker?.check(args.type, args.name, inputs);
    if (this.nothingExistsYet && !args.type.startsWith("pulumi:providers:")) {
      this.onResource(args, {});
      return { id: undefined, state: {} };
    }
    const computed = computedOutputs(args.type, args.name, inputs, subscriptionId);
    this.onResource(args, computed);
    const id = text(computed["id"]) || `${args.name}-id`;
    return { id, state: { ...inputs, ...computed } };
  }

  call(args: pulumi.runtime.MockCallArgs): Inputs {
    if (args.token === "azuread:index/getUsers:getUsers") {
      const requested = (args.inputs["userPrincipalNames"] ?? []) as string[];
      const users = requested.flatMap((upn) => {
        const objectId = this.directory.get(upn.toLowerCase());
        return objectId ? [{ userPrincipalName: upn, objectId, displayName: upn, accountEnabled: true }] : [];
      });
      return {
        users,
        objectIds: users.map((user) => user.objectId),
        userPrincipalNames: users.map((user) => user.userPrincipalName),
      };
    }
    throw new Error(`no mock for the invoke ${args.token}`);
  }
}
