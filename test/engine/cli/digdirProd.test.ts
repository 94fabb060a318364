import { describeLifecycle } from "./lifecycle";

describeLifecycle("digdir-prod", "prod");
