import { getUsersOutput } from "@pulumi/azuread/getUsers";
import { Group } from "@pulumi/azuread/group";
import * as pulumi from "@pulumi/pulumi";
import { ROLES, ownerFilePath, type RoleName } from "../model";
import { accessGroupNames } from "../naming";
import type { EnvironmentContext } from "./context";

export interface AccessGroupsArgs {
  readonly context: EnvironmentContext;
}

type MemberObjectIds = Readonly<Record<RoleName, string[]>>;

/** Each role's member object ids; fails the run, naming every missing account, if the tenant lacks any of them. */
function lookUpMembers({ target }: EnvironmentContext, parent: pulumi.Resource): pulumi.Output<MemberObjectIds> {
  const upnsOf = (role: RoleName) =>
    target.activeGrants.filter((grant) => grant.role === role).map((grant) => grant.user);
  const upns = [...new Set(target.activeGrants.map((grant) => grant.user))].sort();
  if (upns.length === 0) return pulumi.output({ developer: [], operations: [] });
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
    const objectIdsOf = (role: RoleName) => upnsOf(role).flatMap((upn) => found.get(upn) ?? []);
    return { developer: objectIdsOf("developer"), operations: objectIdsOf("operations") };
  });
}

/**
 * The owner's Developer and Operations groups for one environment. Membership is authoritative: exactly the active
 * grants in the owner file, so a removed or expired grant removes the person, and manual additions are reverted.
 */
export class AccessGroups extends pulumi.ComponentResource {
  readonly groups: Readonly<Record<RoleName, Group>>;

  constructor(name: string, { context }: AccessGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("altinn:apps:AccessGroups", name, {}, opts);
    const { target } = context;
    const members = lookUpMembers(context, this);

    const group = (role: RoleName): Group => {
      const names = accessGroupNames(target.org, target.environment, role);
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
          members: members.apply((objectIds) => objectIds[role]),
        },
        { parent: this },
      );
    };
    this.groups = Object.fromEntries(ROLES.map((role) => [role, group(role)])) as Record<RoleName, Group>;

    this.registerOutputs(Object.fromEntries(ROLES.map((role) => [`${role}GroupObjectId`, this.groups[role].objectId])));
  }
}
