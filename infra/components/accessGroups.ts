import { getUsersOutput } from "@pulumi/azuread/getUsers";
import { Group } from "@pulumi/azuread/group";
import * as pulumi from "@pulumi/pulumi";
import { ROLES, type RoleName } from "../model/schema";
import type { accessGroupNames } from "../naming";
import { PrivilegedAccess, type PrivilegedAccessArgs } from "./privilegedAccess";

/** One role's group: its names, and who gets access through it. */
export interface RoleAccess {
  readonly names: ReturnType<typeof accessGroupNames>;
  /**
   * The `membership` model: the UPNs who are the group's members, authoritatively. Absent under `pim`, where
   * `members` is left out: azuread's `members` is optional and computed, so the provider then neither adds nor
   * removes anyone, and does not fight PIM over the members it activates.
   */
  readonly members?: readonly string[];
  /** The `pim` model: the group's role management policy and schedules. */
  readonly pim?: Pick<PrivilegedAccessArgs, "justInTime" | "schedules">;
}

export interface AccessGroupsArgs {
  /** An existing group's object id per role, adopted instead of created (the owner file's adopt). */
  readonly adopt: Readonly<Partial<Record<RoleName, string>>>;
  readonly roles: Readonly<Record<RoleName, RoleAccess>>;
  /** The groups' owners (the layer's `groupOwnerObjectIds`). */
  readonly owners: readonly string[];
  /** Named in the error when a granted user is not in the tenant. */
  readonly grantsFrom: { readonly ownerFile: string; readonly environment: string };
}

/** UPN → object id of every granted user; fails the run, naming every missing account, if the tenant lacks any. */
function lookUpUsers(
  upns: readonly string[],
  { ownerFile, environment }: AccessGroupsArgs["grantsFrom"],
  parent: pulumi.Resource,
): pulumi.Output<ReadonlyMap<string, string>> {
  if (upns.length === 0) return pulumi.output(new Map<string, string>());
  // One batched lookup per stack, not one per member.
  return getUsersOutput({ userPrincipalNames: [...upns], ignoreMissing: true }, { parent }).apply(({ users }) => {
    const found = new Map(users.map((user) => [user.userPrincipalName.toLowerCase(), user.objectId]));
    const missing = upns.filter((upn) => !found.has(upn));
    if (missing.length > 0) {
      throw new Error(
        `${ownerFile}: ${missing.length} user(s) granted access in ${environment} ` +
          `do not exist in the Entra ID tenant: ${missing.join(", ")}`,
      );
    }
    return found;
  });
}

/**
 * The owner's Developer and Operations groups for one environment. In the `membership` model the members are
 * authoritative: exactly the active grants, so a removed or expired grant removes the person at the next deploy,
 * and manual additions are reverted. In `pim` the grants are PIM schedules (PrivilegedAccess) that Entra ID ends on
 * time itself.
 */
export class AccessGroups extends pulumi.ComponentResource {
  readonly groups: Readonly<Record<RoleName, Group>>;

  constructor(
    name: string,
    { adopt, roles, owners, grantsFrom }: AccessGroupsArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("altinn:apps:AccessGroups", name, {}, opts);
    const granted = ROLES.flatMap((role) => [
      ...(roles[role].members ?? []),
      ...(roles[role].pim?.schedules.map((schedule) => schedule.user) ?? []),
    ]);
    const users = lookUpUsers([...new Set(granted)].sort(), grantsFrom, this);

    const group = (role: RoleName): Group => {
      const { names, members } = roles[role];
      return new Group(
        names.mailNickname,
        {
          displayName: names.displayName,
          mailNickname: names.mailNickname,
          description: names.description,
          securityEnabled: true,
          mailEnabled: false,
          // No preventDuplicateNames: azuread then lists groups by display name before creating one
          // (groups.go groupFindByName, v3.8.0), which needs a tenant-wide group read right (GroupMember.Read.All
          // at least) that the deploy identity does not hold (bootstrap/identities.ts: Group.Create). Names are
          // unique by construction (infra/naming.ts); docs/design/entra-pim-decisions.md.
          owners: [...owners],
          ...(members ? { members: users.apply((found) => members.flatMap((upn) => found.get(upn) ?? [])) } : {}),
        },
        // An existing group is adopted by object id (the owner file's adopt, infra/naming.ts ADOPTABLE).
        { parent: this, ...(adopt[role] && { import: adopt[role] }) },
      );
    };
    this.groups = Object.fromEntries(ROLES.map((role) => [role, group(role)])) as Record<RoleName, Group>;

    for (const role of ROLES) {
      const { names, pim } = roles[role];
      if (!pim) continue;
      new PrivilegedAccess(
        `${name}-${role}-pim`,
        { ...pim, groupId: this.groups[role].objectId, mailNickname: names.mailNickname, users },
        { parent: this },
      );
    }

    this.registerOutputs(Object.fromEntries(ROLES.map((role) => [`${role}GroupObjectId`, this.groups[role].objectId])));
  }
}
