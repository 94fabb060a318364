import { z } from "zod";

/** A Kubernetes namespace or object name (DNS-1123 label). */
const kubernetesName = z
  .string()
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a lower-case Kubernetes name (letters, digits, '-')");

/**
 * The Kubernetes service account the owner's apps run as. Its federated credential lets exactly this account (in this
 * namespace) exchange its token for the apps' managed identity, so it must match the apps' deployment.
 */
export const appServiceAccountSchema = z.object({ namespace: kubernetesName, name: kubernetesName }).strict();
export type AppServiceAccount = z.output<typeof appServiceAccountSchema>;
