import { RoleAssignment } from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import {
  principalTypeOf,
  roleAssignmentGuid,
  roleAssignmentLogicalName,
  roleDefinitionId,
  type RoleAssignmentRule,
  type RolePrincipal,
  type RoleScope,
} from "../roles";

export interface RoleAssignmentsSettings {
  readonly org: string;
  readonly environment: string;
  readonly subscriptionId: string;
  /** The rows of the role table (infra/roles.ts) this component makes real. */
  readonly rules: readonly RoleAssignmentRule[];
}

export interface RoleAssignmentsArgs {
  readonly settings: RoleAssignmentsSettings;
  readonly scopes: Readonly<Partial<Record<RoleScope, pulumi.Input<string>>>>;
  readonly principals: Readonly<Partial<Record<RolePrincipal, pulumi.Input<string>>>>;
}

/** Rows of the role table, made real for one owner environment. */
export class RoleAssignments extends pulumi.ComponentResource {
  readonly assignments: readonly RoleAssignment[];

  constructor(
    name: string,
    { settings, scopes, principals }: RoleAssignmentsArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("altinn:apps:RoleAssignments", name, {}, opts);
    const { org, environment, subscriptionId } = settings;

    this.assignments = settings.rules.map((rule) => {
      const scopeInput = scopes[rule.scope];
      const principalInput = principals[rule.principal];
      if (scopeInput === undefined || principalInput === undefined)
        throw new Error(
          `${name}: no ${scopeInput === undefined ? `scope ${rule.scope}` : `principal ${rule.principal}`}`,
        );
      const roleDefinition = roleDefinitionId(subscriptionId, rule.role);
      const scope = pulumi.output(scopeInput);
      const principalId = pulumi.output(principalInput);
      return new RoleAssignment(
        roleAssignmentLogicalName(org, environment, rule),
        {
          scope,
          principalId,
          principalType: principalTypeOf(rule.principal),
          roleDefinitionId: roleDefinition,
          roleAssignmentName: pulumi
            .all([scope, principalId])
            .apply(([scopeId, principal]) => roleAssignmentGuid(scopeId, roleDefinition, principal)),
          description: `${rule.role} for ${org} ${environment} ${rule.principal} (altinn-apps-infra)`,
        },
        { parent: this },
      );
    });

    this.registerOutputs({});
  }
}
