import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { isSeq, parseDocument } from "yaml";
import { hasExpired, loadFleet, type IsoDate } from "../infra/model";

export interface RemovedGrant {
  readonly file: string;
  readonly user: string;
  readonly role: string;
  readonly environment: string;
  readonly expires: string;
}

/**
 * Remove every expired grant from the owner files, editing the YAML document in place so comments and layout
 * survive. Returns what was removed (for the pull request's description).
 */
export function removeExpiredGrants(root: string, today: IsoDate): RemovedGrant[] {
  const { fleet } = loadFleet(root, today);
  return fleet.owners.flatMap(({ file, owner }) => {
    const expired = owner.access.flatMap((grant, index) =>
      hasExpired(grant.expires, today) ? [{ grant, index }] : [],
    );
    if (expired.length === 0) return [];
    const absolute = path.join(root, file);
    const document = parseDocument(readFileSync(absolute, "utf8"));
    const access = document.get("access");
    if (!isSeq(access)) return [];
    for (const { index } of [...expired].reverse()) access.items.splice(index, 1);
    writeFileSync(absolute, document.toString());
    return expired.map(({ grant }) => ({
      file,
      user: grant.user,
      role: grant.role,
      environment: grant.environment,
      expires: grant.expires ?? "",
    }));
  });
}
