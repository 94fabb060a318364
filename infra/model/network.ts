import { z } from "zod";
import { formatAddress, parseIpv4Range, type Ipv4Range } from "./cidr";

/** A network block (`10.120.0.0/22`): parsed, so host bits set or a bare address are refused, not passed to Azure. */
const cidrBlockSchema = z.string().superRefine((text, context) => {
  const parsed = parseIpv4Range(text);
  if ("error" in parsed) context.addIssue({ code: "custom", message: parsed.error });
  else if (!text.includes("/"))
    context.addIssue({ code: "custom", message: `"${text}" must be a CIDR block like 10.120.0.0/22` });
});

/**
 * The owner network of one owner environment: its virtual network, the node subnet (every pool, with the Key Vault
 * service endpoint and the NAT gateway) and the private-endpoint subnet. Pods use the overlay (never these ranges).
 * Ranges are parsed CIDR blocks; both subnets lie inside the address space and apart (`networkLayoutProblems`, checked
 * for the layer and again for each owner's merged settings). Overlap across owners is the allocation table's job (README).
 */
const networkFieldsSchema = z
  .object({
    addressSpace: cidrBlockSchema,
    nodeSubnet: cidrBlockSchema,
    endpointSubnet: cidrBlockSchema,
    /** The NAT gateway's public IP prefix: /31 = 2 addresses, /28 = 16. Third parties allow-list this range. */
    egressPrefixLength: z.int().min(28).max(31),
  })
  .strict();

export const networkSettingsSchema = networkFieldsSchema.superRefine((settings, context) => {
  for (const { field, message } of networkLayoutProblems(settings))
    context.addIssue({ code: "custom", path: [field], message });
});
export type NetworkSettings = z.output<typeof networkSettingsSchema>;

/** An owner environment may take its own ranges (the platform's allocation, for peering); the egress size stays the layer's. */
export const networkOverridesSchema = networkFieldsSchema
  .pick({ addressSpace: true, nodeSubnet: true, endpointSubnet: true })
  .partial();
export type NetworkOverrides = z.output<typeof networkOverridesSchema>;

function rangeOf(text: string): Ipv4Range | undefined {
  const parsed = parseIpv4Range(text);
  return "error" in parsed ? undefined : parsed;
}

const show = (range: Ipv4Range) => `${formatAddress(range.first)}/${range.prefix}`;

/** Azure refuses a subnet outside its virtual network's address space, and two subnets that overlap. */
export function networkLayoutProblems(
  settings: Pick<NetworkSettings, "addressSpace" | "nodeSubnet" | "endpointSubnet">,
): { field: "nodeSubnet" | "endpointSubnet"; message: string }[] {
  const space = rangeOf(settings.addressSpace);
  const node = rangeOf(settings.nodeSubnet);
  const endpoint = rangeOf(settings.endpointSubnet);
  if (!space || !node || !endpoint) return [];
  const outside = (field: "nodeSubnet" | "endpointSubnet", subnet: Ipv4Range) =>
    subnet.first < space.first || subnet.last > space.last
      ? [{ field, message: `${show(subnet)} is not inside the address space ${show(space)}` }]
      : [];
  return [
    ...outside("nodeSubnet", node),
    ...outside("endpointSubnet", endpoint),
    ...(node.first <= endpoint.last && endpoint.first <= node.last
      ? [{ field: "endpointSubnet" as const, message: `${show(endpoint)} overlaps the node subnet ${show(node)}` }]
      : []),
  ];
}
