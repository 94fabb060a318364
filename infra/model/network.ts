import { z } from "zod";

/**
 * The owner network of one owner environment: its virtual network, the node subnet (every pool, with the Key Vault
 * service endpoint and the NAT gateway) and the private-endpoint subnet. Pods use the overlay (never these ranges).
 * Ranges are checked as CIDR blocks here; containment and overlap across owners are the allocation table's job (README).
 */
export const networkSettingsSchema = z
  .object({
    addressSpace: z.cidrv4({ error: "must be an IPv4 CIDR range like 10.120.0.0/22" }),
    nodeSubnet: z.cidrv4({ error: "must be an IPv4 CIDR range inside addressSpace" }),
    endpointSubnet: z.cidrv4({ error: "must be an IPv4 CIDR range inside addressSpace" }),
    /** The NAT gateway's public IP prefix: /31 = 2 addresses, /28 = 16. Third parties allow-list this range. */
    egressPrefixLength: z.int().min(28).max(31),
  })
  .strict();
export type NetworkSettings = z.output<typeof networkSettingsSchema>;

/** An owner environment may take its own ranges (the platform's allocation, for peering); the egress size stays the layer's. */
export const networkOverridesSchema = networkSettingsSchema
  .pick({ addressSpace: true, nodeSubnet: true, endpointSubnet: true })
  .partial();
export type NetworkOverrides = z.output<typeof networkOverridesSchema>;
