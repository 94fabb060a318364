import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { todayUtc } from "./model";
import { defineStack } from "./program";

// Pulumi entry (Pulumi.yaml `main: infra/`): `pulumi up -s digdir-prod`. The module's exports are the stack outputs.
export = defineStack({ stack: pulumi.getStack(), root: path.resolve(__dirname, ".."), today: todayUtc() });
