import { isAfter, type IsoDate } from "./dates";
import { TERMS_CONFIRMATIONS, type TermsOfUse } from "./owner";
import type { FieldPath } from "./problem";

/** One thing that keeps a terms-of-use record from allowing production, and the field it is about. */
export interface TermsShortcoming {
  readonly path: FieldPath;
  readonly message: string;
}

/**
 * What keeps a terms-of-use record from allowing production: each missing piece named, so an owner's admin knows
 * exactly what to fix. Empty when the record is complete, current and not dated in the future. The one definition
 * of the rule: the policy prod-requires-accepted-terms, `validate` and the access report all use it.
 */
export function termsShortcomingsOf(
  terms: TermsOfUse | undefined,
  requiredVersion: string,
  today: IsoDate,
): TermsShortcoming[] {
  if (!terms) {
    const message = `no termsOfUse record: the owner has not accepted the terms of use (version ${requiredVersion})`;
    return [{ path: ["termsOfUse"], message }];
  }
  const shortcomings: TermsShortcoming[] = [];
  if (terms.version !== requiredVersion) {
    shortcomings.push({
      path: ["termsOfUse", "version"],
      message: `termsOfUse.version is "${terms.version}", but version "${requiredVersion}" must be accepted`,
    });
  }
  for (const confirmation of TERMS_CONFIRMATIONS) {
    if (terms[confirmation] !== true) {
      const message = `termsOfUse.${confirmation} is not confirmed (must be true)`;
      shortcomings.push({ path: ["termsOfUse", confirmation], message });
    }
  }
  if (!terms.acceptedBy.trim()) {
    const message = "termsOfUse.acceptedBy does not name the person who accepted";
    shortcomings.push({ path: ["termsOfUse", "acceptedBy"], message });
  }
  if (isAfter(terms.acceptedAt, today)) {
    const message = `termsOfUse.acceptedAt (${terms.acceptedAt}) is in the future`;
    shortcomings.push({ path: ["termsOfUse", "acceptedAt"], message });
  }
  return shortcomings;
}

export function termsShortcomings(terms: TermsOfUse | undefined, requiredVersion: string, today: IsoDate): string[] {
  return termsShortcomingsOf(terms, requiredVersion, today).map((shortcoming) => shortcoming.message);
}
