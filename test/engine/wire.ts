import { isUnknown } from "@pulumi/pulumi/output";
import {
  specialOutputValueSig,
  specialResourceSig,
  specialSecretSig,
  specialSigKey,
  unknownValue,
} from "@pulumi/pulumi/runtime/rpc";

/**
 * One comparable form for property values, whichever road they took: the engine's wire encoding (the unknown
 * sentinel, signature-keyed secrets, output values and resource references) and the values the in-process mock
 * monitor hands to the mocks (`Unknown` objects and signature-keyed secrets).
 */
export const UNKNOWN = "[unknown]";
export type Canonical = null | boolean | number | string | Canonical[] | { [key: string]: Canonical };

function signatureOf(value: Record<string, unknown>): unknown {
  return value[specialSigKey];
}

/** A value as the engine decodes it from the wire (`plugin.UnmarshalPropertyValue`). */
export function fromWire(value: unknown): Canonical {
  if (value === unknownValue) return UNKNOWN;
  if (Array.isArray(value)) return value.map(fromWire);
  if (value === null || typeof value !== "object") return value as Canonical;
  const object = value as Record<string, unknown>;
  switch (signatureOf(object)) {
    case specialSecretSig:
      return { "[secret]": fromWire(object["value"]) };
    case specialOutputValueSig: {
      const inner = "value" in object ? fromWire(object["value"]) : UNKNOWN;
      return object["secret"] === true ? { "[secret]": inner } : inner;
    }
    case specialResourceSig:
      return { "[resource]": String(object["urn"]) };
    default:
      return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, fromWire(item)]));
  }
}

/** A value as the in-process mock monitor deserialized it (`deserializeProperties` during a dry run). */
export function fromMockInputs(value: unknown): Canonical {
  if (isUnknown(value)) return UNKNOWN;
  if (Array.isArray(value)) return value.map(fromMockInputs);
  if (value === null || typeof value !== "object") return value as Canonical;
  const object = value as Record<string, unknown>;
  if (signatureOf(object) === specialSecretSig) return { "[secret]": fromMockInputs(object["value"]) };
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, fromMockInputs(item)]));
}

/** In-process inputs as the engine marshals them for the analyzer (`MarshalOptions{KeepUnknowns, KeepSecrets}`). */
export function toWire(value: unknown): unknown {
  if (isUnknown(value)) return unknownValue;
  if (Array.isArray(value)) return value.map(toWire);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toWire(item)]));
}
