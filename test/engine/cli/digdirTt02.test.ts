import { describeLifecycle } from "./lifecycle";

describeLifecycle("digdir-tt02", "tt02");
