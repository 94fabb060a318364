import { daysBetween, type IsoDate } from "../infra/model/dates";
import type { GrantRow } from "./model";
import { formatDay, formatMonth, norwegianDate, plural } from "./format";
import { html, type Html } from "./html";

const WIDTH = 760;
const LABEL_WIDTH = 250;
const ROW_HEIGHT = 22;
const AXIS_HEIGHT = 28;
/** Open-ended grants (no expiry) and the axis reach at least this far past today. */
const MIN_DAYS_AHEAD = 180;
const MIN_TICK_SPACING = 64;
const LEGEND: readonly (readonly [string, string])[] = [
  ["active", "expires later"],
  ["expiring", "expires within 30 days"],
  ["expired", "expired"],
  ["active open", "no expiry"],
];

function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10) as IsoDate;
}

function firstOfMonthsBetween(from: IsoDate, to: IsoDate, stepMonths: number): IsoDate[] {
  const ticks: IsoDate[] = [];
  const start = new Date(`${from}T00:00:00Z`);
  for (let month = start.getUTCMonth() + 1; ; month += stepMonths) {
    const tick = new Date(Date.UTC(start.getUTCFullYear(), month, 1)).toISOString().slice(0, 10) as IsoDate;
    if (tick > to) return ticks;
    ticks.push(tick);
  }
}

function legend(y: number): Html[] {
  let x = LABEL_WIDTH;
  return LEGEND.map(([status, text]) => {
    const item = html`<g class="bar ${status}"
      ><rect x="${x}" y="${y + 8}" width="14" height="10" rx="2" /><text x="${x + 18}" y="${y + 17}">${text}</text></g
    >`;
    x += 18 + text.length * 6 + 18;
    return item;
  });
}

/**
 * Each grant as a bar from the day it was added (today when history does not say) to its expiry, with today marked:
 * which access runs out when, at a glance. The grants table carries the same facts for screen readers.
 */
export function grantTimeline(grants: readonly GrantRow[], today: IsoDate, titleId: string): Html {
  const bars = grants.map((grant) => {
    const added = grant.origin ? norwegianDate(grant.origin.committedAt) : undefined;
    return { grant, start: added && added < today ? added : today };
  });
  const axisStart = bars.reduce((earliest, bar) => (bar.start < earliest ? bar.start : earliest), today);
  const axisEnd = bars.reduce(
    (latest, { grant }) => (grant.expires && grant.expires > latest ? grant.expires : latest),
    addDays(today, MIN_DAYS_AHEAD),
  );
  const span = Math.max(1, daysBetween(axisStart, axisEnd));
  const x = (date: IsoDate) => LABEL_WIDTH + ((WIDTH - LABEL_WIDTH - 10) * daysBetween(axisStart, date)) / span;
  const chartHeight = AXIS_HEIGHT + bars.length * ROW_HEIGHT + 6;
  const height = chartHeight + ROW_HEIGHT;
  // Month labels at least MIN_TICK_SPACING apart: every month, quarter, half year or year, whichever fits.
  const pixelsPerMonth = ((WIDTH - LABEL_WIDTH) * 30.4) / span;
  const step = [1, 3, 6, 12].find((months) => months * pixelsPerMonth >= MIN_TICK_SPACING) ?? 24;
  const ticks = firstOfMonthsBetween(axisStart, axisEnd, step);
  const expiring = grants.filter((grant) => grant.status === "expiring").length;
  const describedId = `${titleId}-description`;
  return html`<svg
    class="timeline"
    viewBox="0 0 ${WIDTH} ${height}"
    width="100%"
    role="img"
    aria-labelledby="${titleId} ${describedId}"
    xmlns="http://www.w3.org/2000/svg"
  >
    <desc id="${describedId}">
      ${plural(grants.length, "grant")} from when each was added to its expiry; ${expiring} expire within 30 days. Today
      is ${formatDay(today)}.
    </desc>
    <g class="axis">
      ${ticks.map(
        (tick) =>
          html`<line x1="${x(tick)}" x2="${x(tick)}" y1="${AXIS_HEIGHT - 6}" y2="${chartHeight}" /><text
              x="${x(tick) + 2}"
              y="${AXIS_HEIGHT - 10}"
              >${formatMonth(tick)}</text
            >`,
      )}
    </g>
    ${bars.map(({ grant, start }, index) => {
      const y = AXIS_HEIGHT + index * ROW_HEIGHT;
      const end = grant.expires ?? axisEnd;
      const label = `${grant.person ?? grant.user} · ${grant.environment} ${grant.role}`;
      const until = grant.expires ? `until ${formatDay(grant.expires)}` : "no expiry";
      return html`<g class="bar ${grant.status}${grant.expires ? "" : " open"}"
        ><title>${label}: ${until}</title
        ><text class="label" x="4" y="${y + 15}">${label.length > 38 ? `${label.slice(0, 37)}…` : label}</text
        ><rect x="${x(start)}" y="${y + 5}" width="${Math.max(3, x(end) - x(start))}" height="${ROW_HEIGHT - 9}" rx="3"
      /></g>`;
    })}
    <g class="today">
      <line x1="${x(today)}" x2="${x(today)}" y1="${AXIS_HEIGHT - 6}" y2="${chartHeight}" />
      <text x="${x(today) + 3}" y="${chartHeight - 2}">today</text>
    </g>
    <g class="legend">${legend(chartHeight)}</g>
  </svg>`;
}
