import { createHash } from "node:crypto";

/** A name-based (v5-style, SHA-1) GUID: the same parts always give the same GUID, like ARM's `guid(...)`. */
export function nameBasedGuid(...parts: readonly string[]): string {
  const hash = createHash("sha1").update(parts.join("|")).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
