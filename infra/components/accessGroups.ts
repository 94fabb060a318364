import { getUsersOutput } from "@pulumi/azuread/getUsers";
import { Group } from "@pulumi/azuread/group";
import * as pulumi from "@pulumi/pulumi";
import { accessPolicy, ROLES, ownerFilePath, type RoleName } from "../model";
import { accessGroupNames } from "../naming";
import type { EnvironmentContext } from "./context";
import { PrivilegedAccess } from "./privilegedAccess";

export interface AccessGroupsArgs {
  readonly context: EnvironmentContext;
}

/** UPN → object id of every granted user; fails the run, naming every missing account, if the tenant lacks any. */
function lookUpUsers(
  { target }: EnvironmentContext,
  parent: pulumi.Resource,
): pulumi.Output<ReadonlyMap<string, string>> {
  const upns = [...new Set(target.activeGrants.map((grant) => grant.user))].sort();
  if (upns.length === 0) return pulumi.output(new Map<string, string>());
  // One batched lookup per stack, not one per member.
  return getUsersOutput({ userPrincipalNames: upns, ignoreMissing: true }, { parent }).apply(({ users }) => {
    const found = new Map(users.map((user) => [user.userPrincipalName.toLowerCase(), user.objectId]));
    const missing = upns.filter((upn) => !found.has(upn));
    if (missing.length > 0) {
      throw new Error(
        `${ownerFilePath(target.org)}: ${missing.length} user(s) granted access in ${target.environment} ` +
          `do not exist in the Entra ID tenant: ${missing.join(", ")}`,
      );
    }
    return found;
  });
}

/**
 * The owner's Developer and Operations groups for one environment. In the layer's `membership` model the members
 * are authoritative: exactly the active grants, so a removed or expired grant removes the person at the next deploy,
 * and manual additions are reverted. In `pim` the grants are PIM schedules (PrivilegedAccess) that Entra ID ends on
 * time itself, and `members` is left out: azuread's `members` is optional and computed, so the provider then neither
 * adds nor removes anyone, and does not fight PIM over the members it activates.
 */
export class AccessGroups extends pulumi.ComponentResource {
  readonly groups: Readonly<Record<RoleName, Group>>;

  constructor(name: string, { context }: AccessGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:apps:AccessGroups", name, {}, opts);
    const { target } = context;
    const users = lookUpUsers(context, this);
    const policy = accessPolicy(target.layer);

    const group = (role: RoleName): Group => {
      const names = accessGroupNames(target.org, target.environment, role);
      const upns = target.activeGrants.filter((grant) => grant.role === role).map((grant) => grant.user);
      return new Group(
        names.mailNickname,
        {
          displayName: names.displayName,
          mailNickname: names.mailNickname,
          description: names.description,
          securityEnabled: true,
          mailEnabled: false,
          preventDuplicateNames: true,
          owners: target.layer.groupOwnerObjectIds,
          ...(policy.model === "membership"
            ? { members: users.apply((found) => upns.flatMap((upn) => found.get(upn) ?? [])) }
            : {}),
        },
        // An existing group is adopted by object id (the owner file's adopt, infra/naming.ts ADOPTABLE).
        { parent: this, ...(target.adopt[`${role}Group`] && { import: target.adopt[`${role}Group`] }) },
      );
    };
    this.groups = Object.fromEntries(ROLES.map((role) => [role, group(role)])) as Record<RoleName, Group>;

    if (policy.model === "pim") {
      for (const role of ROLES) {
        new PrivilegedAccess(
          `${name}-${role}-pim`,
          { context, role, policy, groupId: this.groups[role].objectId, users },
          { parent: this },
        );
      }
    }

    this.registerOutputs(Object.fromEntries(ROLES.map((role) => [`${role}GroupObjectId`, this.groups[role].objectId])));
  }
}
