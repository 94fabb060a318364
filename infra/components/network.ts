import { NatGateway, PublicIPPrefix, Subnet, VirtualNetwork, type SubnetArgs } from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentContext } from "./context";

export interface NetworkArgs {
  readonly context: EnvironmentContext;
  readonly resourceGroupName: pulumi.Input<string>;
}

/**
 * The owner network: a virtual network with the node subnet every pool joins, egress through a NAT gateway with a
 * public IP prefix of the owner's own (a known, stable address third parties can allow-list), and the Key Vault
 * service endpoint, so the vault's firewall can admit the nodes by subnet (AKS is not a trusted Azure service).
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

  constructor(name: string, { context, resourceGroupName }: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:apps:Network", name, {}, opts);
    const { names, tags, target } = context;
    const { network } = target;
    const located = { resourceGroupName, location: target.location, tags };
    const stateful = { parent: this, protect: context.protectStateful };

    // A Standard public IP prefix and NAT gateway without zones are regional: they serve nodes in every zone.
    this.egressIpPrefix = new PublicIPPrefix(
      names.egressIpPrefix,
      {
        ...located,
        publicIpPrefixName: names.egressIpPrefix,
        sku: { name: "Standard", tier: "Regional" },
        publicIPAddressVersion: "IPv4",
        prefixLength: network.egressPrefixLength,
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
        addressSpace: { addressPrefixes: [network.addressSpace] },
      },
      { parent: this },
    );
    const subnet = (subnetName: string, args: Omit<SubnetArgs, "resourceGroupName" | "virtualNetworkName">) =>
      new Subnet(
        `${names.virtualNetwork}-${subnetName}`,
        {
          resourceGroupName,
          virtualNetworkName: this.virtualNetwork.name,
          subnetName,
          ...args,
        },
        { parent: this },
      );
    this.nodeSubnet = subnet(names.nodeSubnet, {
      addressPrefix: network.nodeSubnet,
      natGateway: { id: this.natGateway.id },
      serviceEndpoints: [{ service: "Microsoft.KeyVault" }],
      // No implicit outbound IP: egress is the NAT gateway or nothing.
      defaultOutboundAccess: false,
    });
    const privateEndpoint = target.layer.keyVaultPrivateEndpoint;
    this.endpointSubnet =
      privateEndpoint && !privateEndpoint.subnetId
        ? subnet(names.endpointSubnet, {
            addressPrefix: network.endpointSubnet,
            privateEndpointNetworkPolicies: "Enabled",
            defaultOutboundAccess: false,
          })
        : undefined;
    this.egressIpRange = this.egressIpPrefix.ipPrefix;

    this.registerOutputs({
      virtualNetworkId: this.virtualNetwork.id,
      nodeSubnetId: this.nodeSubnet.id,
      egressIpRange: this.egressIpRange,
    });
  }
}
