import { RoleAssignment } from "@pulumi/azure-native/authorization";
import * as pulumi from "@pulumi/pulumi";
import {
  principalTypeOf,
  ROLE_ASSIGNMENTS,
  roleAssignmentGuid,
  roleDefinitionId,
  type RolePrincipal,
  type RoleScope,
} from "../roles";
import type { EnvironmentContext } from "./context";

export interface RoleAssignmentsArgs {
  readonly context: EnvironmentContext;
  readonly scopes: Readonly<Record<RoleScope, pulumi.Input<string>>>;
  readonly principals: Readonly<Record<RolePrincipal, pulumi.Input<string>>>;
}

/** Every row of the role table, made real for one owner environment. */
export class RoleAssignments extends pulumi.ComponentResource {
  readonly assignments: readonly RoleAssignment[];
  private readonly principalOf = new Map<RoleAssignment, RolePrincipal>();

  constructor(
    name: string,
    { context, scopes, principals }: RoleAssignmentsArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("altinn:apps:RoleAssignments", name, {}, opts);
    const { org, environment, subscriptionId } = context.target;

    this.assignments = ROLE_ASSIGNMENTS.map((rule) => {
      const roleDefinition = roleDefinitionId(subscriptionId, rule.role);
      const scope = pulumi.output(scopes[rule.scope]);
      const principalId = pulumi.output(principals[rule.principal]);
      const slug = rule.role.toLowerCase().replaceAll(" ", "-");
      const assignment = new RoleAssignment(
        `${org}-${environment}-${rule.principal}-${slug}`,
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
      this.principalOf.set(assignment, rule.principal);
      return assignment;
    });

    this.registerOutputs({});
  }

  /** The assignments one principal receives: what must exist before that principal acts. */
  of(principal: RolePrincipal): RoleAssignment[] {
    return this.assignments.filter((assignment) => this.principalOf.get(assignment) === principal);
  }
}
