/**
 * Typings for the analyzer's own unknown-value proxy. @pulumi/policy ships it (proxy.js) but marks it @internal, so
 * its .d.ts declares nothing; the in-process runner uses the very same code the real analyzer uses.
 */
import "@pulumi/policy/proxy";

declare module "@pulumi/policy/proxy" {
  export function unknownCheckingProxy<T extends object>(props: T): T;
  export class UnknownValueError extends Error {}
  export const unknownStringValue: string;
}
