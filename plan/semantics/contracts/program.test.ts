import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { loadFleet } from "../../../files/fleetReader";
import { validateFleet } from "../../../infra/model/fleet";
import { layersWith, REPO_SOURCES, TODAY } from "../../../test/support/fleet";
import { sampleDirectory } from "../../../test/support/repository";
import type { EditInputs } from "../evaluate";
import { summarize } from "../../format";
import { CONTRACT_POLICY, planContext, planStack, type PlanContext, type StackPlan } from "../stackPlan";
import { REPO_ROOT } from "../../../repository/root";
import type { RuleKind } from "./contract";

/** An edit of one nested input object that may still be an Output. */
function editObject(
  value: unknown,
  edit: (object: Record<string, unknown>) => Record<string, unknown>,
): pulumi.Output<Record<string, unknown>> {
  return pulumi.output(value as Record<string, unknown>).apply((object) => edit({ ...object }));
}

/** Edit the first resource of `type` (whose name contains `named`, when given) the program registers. */
function editFirst(
  type: string,
  edit: (props: Record<string, unknown>) => Record<string, unknown>,
  named = "",
): EditInputs {
  let done = false;
  return (registeredType, name, props) => {
    if (done || registeredType !== type || !name.includes(named)) return undefined;
    done = true;
    return edit(props);
  };
}

interface Case {
  readonly kind: RuleKind;
  readonly stack: string;
  readonly type: string;
  readonly property: string;
  readonly edit: EditInputs;
  /** What the violation's rule text says. */
  readonly rule: RegExp;
}

const VAULT = "azure-native:keyvault:Vault";
const SCHEDULE = "azuread:index/privilegedAccessGroupAssignmentSchedule:PrivilegedAccessGroupAssignmentSchedule";
const POLICY = "azuread:index/groupRoleManagementPolicy:GroupRoleManagementPolicy";
const GROUP = "azuread:index/group:Group";
const MAINTENANCE = "azure-native:containerservice:MaintenanceConfiguration";
const WORKSPACE = "azure-native:operationalinsights:Workspace";

/** Edit the maintenance window of a MaintenanceConfiguration (its schedule too, when `schedule` is given). */
const editWindow = (window: Record<string, unknown>, schedule?: Record<string, unknown>): EditInputs =>
  editFirst(MAINTENANCE, (props) => ({
    ...props,
    maintenanceWindow: editObject(props["maintenanceWindow"], (current) => ({
      ...current,
      ...window,
      ...(schedule && {
        schedule: editObject(current["schedule"], (currentSchedule) => ({
          ...currentSchedule,
          weekly: editObject(currentSchedule["weekly"], (weekly) => ({ ...weekly, ...schedule })),
        })),
      }),
    })),
  }));

const RULE = "azure-native:monitor:DataCollectionRule";

const CASES: readonly Case[] = [
  {
    kind: "pattern",
    stack: "digdir-prod",
    type: VAULT,
    property: "vaultName",
    edit: editFirst(VAULT, (props) => ({ ...props, vaultName: "digdir_prod_kv" })),
    rule: /^pattern \^\[a-zA-Z0-9-\]\{3,24\}\$$/,
  },
  {
    kind: "required",
    stack: "digdir-prod",
    type: "azure-native:managedidentity:FederatedIdentityCredential",
    property: "subject",
    edit: editFirst("azure-native:managedidentity:FederatedIdentityCredential", (props) => ({
      ...props,
      subject: undefined,
    })),
    rule: /^required$/,
  },
  {
    kind: "type",
    stack: "digdir-prod",
    type: VAULT,
    property: "properties.enableRbacAuthorization",
    edit: editFirst(VAULT, (props) => ({
      ...props,
      properties: editObject(props["properties"], (properties) => ({ ...properties, enableRbacAuthorization: "true" })),
    })),
    rule: /^type boolean$/,
  },
  {
    kind: "enum",
    stack: "digdir-prod",
    type: VAULT,
    property: "properties.sku.name",
    edit: editFirst(VAULT, (props) => ({
      ...props,
      properties: editObject(props["properties"], (properties) => ({
        ...properties,
        sku: { family: "A", name: "Standard" },
      })),
    })),
    rule: /^one of standard\|premium$/,
  },
  {
    // Extensible (modelAsString), still checked: the program's Container Insights stream passes only because
    // acceptedValues.ts lists it with Microsoft's own use of it; a typo of it does not.
    kind: "enum",
    stack: "digdir-tt02",
    type: RULE,
    property: "dataFlows[0].streams[0]",
    edit: editFirst(RULE, (props) => ({
      ...props,
      dataFlows: [{ streams: ["Microsoft-ContainerInsights-Group-Defualt"], destinations: ["ciworkspace"] }],
    })),
    rule: /^one of Microsoft-Event\|.*\|Microsoft-WindowsEvent \(extensible enum: /,
  },
  {
    kind: "format",
    stack: "digdir-prod",
    type: VAULT,
    property: "properties.tenantId",
    edit: editFirst(VAULT, (props) => ({
      ...props,
      properties: editObject(props["properties"], (properties) => ({ ...properties, tenantId: "altinn.no" })),
    })),
    rule: /^format uuid$/,
  },
  {
    kind: "readOnly",
    stack: "digdir-tt02",
    type: "azure-native:managedidentity:UserAssignedIdentity",
    property: "principalId",
    edit: editFirst("azure-native:managedidentity:UserAssignedIdentity", (props) => ({
      ...props,
      principalId: "5b0f2d4e-7c1a-4e8b-9f3d-2a6c8e1b4d02",
    })),
    rule: /^read-only/,
  },
  {
    kind: "minLength",
    stack: "digdir-tt02",
    type: SCHEDULE,
    property: "justification",
    edit: editFirst(SCHEDULE, (props) => ({ ...props, justification: "" })),
    rule: /^minLength 1$/,
  },
  {
    kind: "requiredWith",
    stack: "digdir-tt02",
    type: SCHEDULE,
    property: "ticketNumber",
    edit: editFirst(SCHEDULE, (props) => ({ ...props, ticketNumber: "ALTINN-1", ticketSystem: undefined })),
    rule: /^requiredWith ticketSystem$/,
  },
  {
    kind: "conflictsWith",
    stack: "digdir-tt02",
    type: SCHEDULE,
    property: "duration",
    edit: editFirst(SCHEDULE, (props) => ({ ...props, expirationDate: "2027-06-30T22:00:00Z", duration: "P30D" })),
    rule: /^conflictsWith expirationDate$/,
  },
  {
    kind: "atLeastOneOf",
    stack: "digdir-tt02",
    type: GROUP,
    property: "mailEnabled",
    edit: editFirst(GROUP, (props) => ({ ...props, mailEnabled: undefined, securityEnabled: undefined })),
    rule: /^atLeastOneOf mailEnabled, securityEnabled$/,
  },
  {
    kind: "maxItems",
    stack: "digdir-tt02",
    type: GROUP,
    property: "owners",
    edit: editFirst(GROUP, (props) => ({
      ...props,
      owners: Array.from({ length: 101 }, (_, index) => `5b0f2d4e-7c1a-4e8b-9f3d-${String(index).padStart(12, "0")}`),
    })),
    rule: /^maxItems 100$/,
  },
  {
    kind: "minItems",
    stack: "digdir-prod",
    type: POLICY,
    property: "activationRules.approvalStage.primaryApprovers",
    edit: editFirst(
      POLICY,
      (props) => ({
        ...props,
        activationRules: editObject(props["activationRules"], (rules) => ({
          ...rules,
          approvalStage: { primaryApprovers: [] },
        })),
      }),
      "operations",
    ),
    rule: /^minItems 1$/,
  },
  {
    kind: "maximum",
    stack: "digdir-prod",
    type: MAINTENANCE,
    property: "maintenanceWindow.durationHours",
    edit: editWindow({ durationHours: 25 }),
    rule: /^maximum 24$/,
  },
  {
    kind: "minimum",
    stack: "digdir-prod",
    type: MAINTENANCE,
    property: "maintenanceWindow.schedule.weekly.intervalWeeks",
    edit: editWindow({}, { intervalWeeks: 0 }),
    rule: /^minimum 1$/,
  },
  {
    kind: "maxLength",
    stack: "digdir-tt02",
    type: WORKSPACE,
    property: "workspaceName",
    // 64 characters the name's pattern accepts: only the length rule of the common parameter refuses it.
    edit: editFirst(WORKSPACE, (props) => ({ ...props, workspaceName: `log-${"a".repeat(60)}` })),
    rule: /^maxLength 63$/,
  },
];

describe("the providers' contracts on the real program's plans", () => {
  let context: PlanContext;
  beforeAll(() => {
    context = planContext(loadFleet(REPO_ROOT, TODAY), TODAY, sampleDirectory());
  });

  it("pass the sample stacks as the program writes them", async () => {
    for (const stack of ["digdir-tt02", "digdir-prod"]) {
      const plan = await planStack(stack, context);
      expect(plan.contractViolations).toEqual([]);
    }
  });

  for (const { kind, stack, type, property, edit, rule } of CASES)
    it(`fail the plan like a mandatory policy when one input breaks a ${kind} rule (${type.split(":").at(-1)} ${property})`, async () => {
      const plan: StackPlan = await planStack(stack, context, edit);
      const found = plan.contractViolations?.filter((violation) => violation.property === property) ?? [];
      expect(found.map((violation) => violation.rule)).toEqual([expect.stringMatching(rule)]);
      const [violation] = found;
      expect(violation?.type).toBe(type);
      // `<stack> <type> <name> <property>: <rule> (<spec file>:<line>)`
      expect(violation?.message).toMatch(
        new RegExp(
          `^${stack} ${type.replace(/[/]/g, "\\/")} \\S+ ${property.replace(/[.[\]]/g, "\\$&")}( \\[\\S+\\])?: .+ \\(\\S+\\.(json|go):\\d+\\)$`,
        ),
      );
      expect(plan.violations).toContainEqual(
        expect.objectContaining({ policy: CONTRACT_POLICY, level: "mandatory", message: violation?.message }),
      );
      expect(summarize([plan]).passed).toBe(false);
    });

  it("refuse an activation duration Entra accepts as ISO 8601 but the provider does not (PT1D, issue 22)", async () => {
    // Validation refuses it first, at the layer's line (the provider's own list, infra/model) …
    const fleet = validateFleet(
      {
        ...REPO_SOURCES,
        layers: layersWith("prod", (text) => text.replace(/maximumDuration: \S+/, "maximumDuration: PT1D")),
      },
      TODAY,
    );
    expect(fleet.problems.map((problem) => problem.path)).toEqual([
      "config.altinn-apps:justInTime.activation.maximumDuration",
    ]);
    // … and the contract would refuse it in the plan too: the provider lists the durations it accepts, P1D is one,
    // PT1D (what an ISO 8601 reader accepts) is not.
    const edit = editFirst(
      POLICY,
      (props) => ({
        ...props,
        activationRules: editObject(props["activationRules"], (rules) => ({ ...rules, maximumDuration: "PT1D" })),
      }),
      "operations",
    );
    const plan = await planStack("digdir-prod", context, edit);
    expect(plan.contractViolations?.map((violation) => violation.property)).toEqual([
      "activationRules.maximumDuration",
    ]);
    expect(plan.contractViolations?.[0]?.rule).toMatch(/^one of PT30M\|PT1H\|.*\|P1D$/);
  });

  it("skip what Pulumi does not know yet: a first preview of every sample stack plans clean", async () => {
    const firstPreview = planContext(loadFleet(REPO_ROOT, TODAY), TODAY, sampleDirectory(), true);
    const plan = await planStack("digdir-prod", firstPreview);
    expect(plan.error).toBeUndefined();
    expect(plan.contractViolations).toEqual([]);
  });
});
