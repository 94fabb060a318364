import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadFleet } from "../files/fleetReader";
import { todayUtc } from "./model/dates";
import { ValidationError } from "./model/problem";
import type { OwnerEnvironment } from "./model/ownerEnvironment";
import { defineStack, resolveStack } from "./program";

// Pulumi entry (Pulumi.yaml `main: infra/`): `pulumi up -s digdir-prod`. The module's exports are the stack outputs.
const stack = pulumi.getStack();
const today = todayUtc();

function resolveOrRefuse(): OwnerEnvironment {
  try {
    return resolveStack(stack, loadFleet(path.resolve(__dirname, ".."), today), today);
  } catch (error) {
    // Pulumi's runner prints a RunError's message alone; any other error comes with a stack trace.
    if (error instanceof ValidationError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

export = defineStack(stack, resolveOrRefuse(), Date.now());
