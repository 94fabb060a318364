import { NatGateway, PublicIPPrefix, Subnet, VirtualNetwork, type SubnetArgs } from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceNames } from "../naming";

export interface NetworkComponentSettings {
  readonly names: Pick<
    ResourceNames,
    "virtualNetwork" | "nodeSubnet" | "endpointSubnet" | "natGateway" | "egressIpPrefix"
  >;
  readonly location: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The virtual network and the egress prefix: a new prefix means new egress addresses for every third party. */
  readonly protect: boolean;
  readonly addressSpace: string;
  readonly nodeSubnet: string;
  /** The private-endpoint subnet's range, when the vault's private endpoint goes in the owner network. */
  readonly endpointSubnet: string | undefined;
  readonly egressPrefixLength: number;
}

export interface NetworkArgs {
  readonly settings: NetworkComponentSettings;
  readonly resourceGroupName: pulumi.Input<string>;
}

/**
 * The owner network: a virtual network with the node subnet every pool joins, egress through a NAT gateway with a
 * public IP prefix of the owner's own (a known, stable address third parties can allow-list, and that the API server
 * admits), and the Key Vault service endpoint, so the vault's firewall can admit the nodes by subnet (AKS is not a
 * trusted Azure service).
 */
export class Network extends pulumi.ComponentResource {
  readonly virtualNetwork: VirtualNetwork;
  readonly nodeSubnet: Subnet;
  /** Created only for a Key Vault private endpoint that names no subnet of its own. */
  readonly endpointSubnet: Subnet | undefined;
  readonly natGateway: NatGateway;
  readonly egressIpPrefix: PublicIPPrefix;
  /** The egress range, e.g. `51.120.0.16/31`: what the owner's third parties allow-list. */
  readonly egressIpRange: pulumi.Output<string | undefined>;

  constructor(name: string, { settings, resourceGroupName }: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:apps:Network", name, {}, opts);
    const { names } = settings;
    const located = { resourceGroupName, location: settings.location, tags: settings.tags };
    const stateful = { parent: this, protect: settings.protect };

    // Standard is the only NAT gateway SKU at the API version @pulumi/azure-native 3.28 uses (network 2024-05-01):
    // a zonal resource, "no zone" placing it in one zone Azure picks. The zone-redundant StandardV2 is not in this
    // SDK; see docs/design/azure-decisions.md ("Zone-redundant egress").
    this.egressIpPrefix = new PublicIPPrefix(
      names.egressIpPrefix,
      {
        ...located,
        publicIpPrefixName: names.egressIpPrefix,
        sku: { name: "Standard", tier: "Regional" },
        publicIPAddressVersion: "IPv4",
        prefixLength: settings.egressPrefixLength,
      },
      stateful,
    );
    this.natGateway = new NatGateway(
      names.natGateway,
      {
        ...located,
        natGatewayName: names.natGateway,
        sku: { name: "Standard" },
        idleTimeoutInMinutes: 4,
        publicIpPrefixes: [{ id: this.egressIpPrefix.id }],
      },
      { parent: this },
    );
    // Subnets are their own resources and the network lists none: an update of the network without `subnets`
    // keeps the existing ones (ARM since API 2023-09-01; pulumi-azure-native issue 611).
    this.virtualNetwork = new VirtualNetwork(
      names.virtualNetwork,
      {
        ...located,
        virtualNetworkName: names.virtualNetwork,
        addressSpace: { addressPrefixes: [settings.addressSpace] },
      },
      stateful,
    );
    const subnet = (subnetName: string, args: Omit<SubnetArgs, "resourceGroupName" | "virtualNetworkName">) =>
      new Subnet(
        `${names.virtualNetwork}-${subnetName}`,
        { resourceGroupName, virtualNetworkName: this.virtualNetwork.name, subnetName, ...args },
        { parent: this },
      );
    this.nodeSubnet = subnet(names.nodeSubnet, {
      addressPrefix: settings.nodeSubnet,
      natGateway: { id: this.natGateway.id },
      serviceEndpoints: [{ service: "Microsoft.KeyVault" }],
      // No implicit outbound IP: egress is the NAT gateway or nothing.
      defaultOutboundAccess: false,
    });
    this.endpointSubnet =
      settings.endpointSubnet === undefined
        ? undefined
        : subnet(names.endpointSubnet, {
            addressPrefix: settings.endpointSubnet,
            privateEndpointNetworkPolicies: "Enabled",
            defaultOutboundAccess: false,
          });
    this.egressIpRange = this.egressIpPrefix.ipPrefix;

    this.registerOutputs({
      virtualNetworkId: this.virtualNetwork.id,
      nodeSubnetId: this.nodeSubnet.id,
      natGatewayId: this.natGateway.id,
      egressIpRange: this.egressIpRange,
    });
  }
}
