import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { loadFleet, todayUtc } from "./model";
import { defineStack, resolveStack } from "./program";

// Pulumi entry (Pulumi.yaml `main: infra/`): `pulumi up -s digdir-prod`. The module's exports are the stack outputs.
const stack = pulumi.getStack();
const today = todayUtc();
export = defineStack(stack, resolveStack(stack, loadFleet(path.resolve(__dirname, ".."), today), today));
