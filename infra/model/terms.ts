import { isAfter, type IsoDate } from "./dates";
import { TERMS_CONFIRMATIONS, type TermsOfUse } from "./owner";

/**
 * What keeps a terms-of-use record from allowing production: each missing piece named, so an owner's admin knows
 * exactly what to fix. Empty when the record is complete, current and not dated in the future.
 */
export function termsShortcomings(terms: TermsOfUse | undefined, requiredVersion: string, today: IsoDate): string[] {
  if (!terms) return [`no termsOfUse record: the owner has not accepted the terms of use (version ${requiredVersion})`];
  const shortcomings: string[] = [];
  if (terms.version !== requiredVersion) {
    shortcomings.push(`termsOfUse.version is "${terms.version}", but version "${requiredVersion}" must be accepted`);
  }
  for (const confirmation of TERMS_CONFIRMATIONS) {
    if (terms[confirmation] !== true) shortcomings.push(`termsOfUse.${confirmation} is not confirmed (must be true)`);
  }
  if (!terms.acceptedBy.trim()) shortcomings.push("termsOfUse.acceptedBy does not name the person who accepted");
  if (isAfter(terms.acceptedAt, today))
    shortcomings.push(`termsOfUse.acceptedAt (${terms.acceptedAt}) is in the future`);
  return shortcomings;
}
