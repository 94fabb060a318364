// Preloaded (NODE_OPTIONS=--require) into the program, the policy pack and the fake providers: the clock starts at
// FIXED_CLOCK (an ISO instant) and runs on from there, so a run "tomorrow" is a real run on a chosen day. The program
// takes "today" from `new Date()` (infra/model/dates.ts todayUtc).
const fixed = process.env.FIXED_CLOCK;
if (fixed) {
  const start = Date.parse(fixed);
  if (Number.isNaN(start)) throw new Error(`FIXED_CLOCK is not an ISO instant: ${fixed}`);
  const RealDate = Date;
  const offset = start - RealDate.now();
  class ShiftedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + offset);
      else super(...args);
    }
    static now() {
      return RealDate.now() + offset;
    }
  }
  globalThis.Date = ShiftedDate;
}
