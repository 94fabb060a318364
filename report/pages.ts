import { createHash } from "node:crypto";
import type { IsoDate } from "../infra/model/dates";
import { ENVIRONMENTS, ROLES, type EnvironmentName, type RoleName } from "../infra/model/schema";
import { ROLE_ASSIGNMENTS } from "../infra/roles";
import { ROWS_SHOWN, SEARCH_SCRIPT, STYLES } from "./client";
import { formatDay, formatInstant, plural } from "./format";
import { html, raw, safeHttpsUrl, type Html } from "./html";
import { EXPIRING_WITHIN_DAYS, type AccessReport, type GrantRow, type OwnerReport, type RoleCounts } from "./model";
import { grantTimeline } from "./timeline";

export interface PageContext {
  readonly report: AccessReport;
  /** When the site was generated, shown in Norwegian time. */
  readonly generatedAt: Date;
  /** A commit's web page is this prefix followed by the commit id (e.g. https://github.com/org/repo/commit/). */
  readonly commitUrl: string | undefined;
}

export function ownerPagePath(org: string): string {
  return `owners/${org}.html`;
}

const ROLE_LABELS: Record<RoleName, string> = { developer: "Developer", operations: "Operations" };

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;
// Nothing but this page's own style and script may load or run: an injected tag could not fetch or execute anything.
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src ${sha256(STYLES)}`,
  `script-src ${sha256(SEARCH_SCRIPT)}`,
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

// Built as plain strings, outside any html`` template: a formatter must not add a byte inside them, or the hashes in
// the policy would no longer match and the browser would block the page's own style and script.
const STYLE_ELEMENT = raw(`<style>${STYLES}</style>`);
const SCRIPT_ELEMENT = raw(`<script>${SEARCH_SCRIPT}</script>`);

function page(title: string, body: Html): string {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <title>${title}</title>
        ${STYLE_ELEMENT}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <main id="main">${body}</main>
        ${SCRIPT_ELEMENT}
      </body>
    </html> `.html;
}

/** The owner's name in the language it is written in: Norwegian bokmål first, English beside it. */
function ownerName(name: OwnerReport["name"]): Html {
  return html`<span lang="nb">${name.nb}</span>`;
}

function day(date: IsoDate): Html {
  return html`<time datetime="${date}">${formatDay(date)}</time>`;
}

function commitLink(commit: string, context: PageContext): Html {
  const short = commit.slice(0, 7);
  const url = context.commitUrl && safeHttpsUrl(`${context.commitUrl}${commit}`);
  return url ? html`<a href="${url}"><code>${short}</code></a>` : html`<code title="${commit}">${short}</code>`;
}

function generationNote(context: PageContext): Html {
  const { history, today } = context.report;
  const source = history.available ? html` from commit ${commitLink(history.head, context)}` : "";
  const historyNote = history.available
    ? history.shallow
      ? html`<p class="notice">
          This was built from a shallow clone: grants added in its oldest commit say “at or before”.
        </p>`
      : ""
    : html`<p class="notice">
        Git history is unavailable (${history.reason}): when and by which commit each grant was added is not shown.
      </p>`;
  return html`<p class="meta">
      Expiry as of ${day(today)}. Generated
      <time datetime="${context.generatedAt.toISOString()}">${formatInstant(context.generatedAt)}</time> (Norwegian
      time)${source}.
    </p>
    ${historyNote}`;
}

function rolesExplained(): Html {
  const items = ROLES.map((role) => {
    const azureRoles = ROLE_ASSIGNMENTS.filter((rule) => rule.principal === role).map((rule) => rule.role);
    return html`<li><strong>${ROLE_LABELS[role]}</strong>: ${azureRoles.join(", ")}</li>`;
  });
  return html`<p>Roles, per environment, and the Azure roles they give:</p>
    <ul>
      ${items}
    </ul>`;
}

function termsSummary(owner: OwnerReport, withReference: boolean): Html {
  if (!owner.terms) return html`<span class="sub">No required version in the prod layer</span>`;
  const { required, record, shortcomings } = owner.terms;
  const noProd = required ? "" : html`<span class="sub">No prod environment. </span>`;
  if (shortcomings.length > 0) {
    const list = html`<ul>
      ${shortcomings.map((text) => html`<li>${text}</li>`)}
    </ul>`;
    return html`${noProd}
      <div class="missing"><strong>${required ? "Missing:" : "Missing before prod:"}</strong>${list}</div>`;
  }
  if (!record) return html``;
  const reference = withReference && safeHttpsUrl(record.reference);
  return html`${noProd}<span class="accepted">Accepted</span> version ${record.version} on ${day(record.acceptedAt)} by
    ${record.acceptedBy}${
      withReference ? html` (${reference ? html`<a href="${reference}">acceptance record</a>` : record.reference})` : ""
    }`;
}

function countCell(counts: RoleCounts | undefined, role: RoleName): Html {
  if (!counts) return html`<td class="num"><span class="sub">–</span></td>`;
  const { standing, "just-in-time": justInTime } = counts[role];
  const jit = justInTime > 0 ? html`<br /><span class="sub">${justInTime} just-in-time</span>` : "";
  return html`<td class="num">${standing} standing${jit}</td>`;
}

function expiryCell(grant: GrantRow): Html {
  if (grant.expires === undefined || grant.daysLeft === undefined) return html`<td>No expiry</td>`;
  const left = grant.daysLeft;
  const label =
    grant.status === "expired"
      ? html`<span class="badge">Expired</span> ${plural(-left, "day")} ago: remove the grant`
      : grant.status === "expiring"
        ? html`<span class="badge">Expires soon</span> ${left === 0 ? "last day today" : `${plural(left, "day")} left`}`
        : html`<span class="sub">${plural(left, "day")} left</span>`;
  return html`<td>${day(grant.expires)}<br />${label}</td>`;
}

function addedCell(grant: GrantRow, context: PageContext): Html {
  if (!context.report.history.available) return html`<td><span class="sub">unavailable</span></td>`;
  const origin = grant.origin;
  if (!origin) return html`<td>Not committed yet</td>`;
  return html`<td>
    ${origin.atOrBefore ? "At or before " : ""}<time datetime="${origin.committedAt}"
      >${formatInstant(origin.committedAt)}</time
    ><br />${commitLink(origin.commit, context)} by ${origin.author}<span class="subject sub">${origin.subject}</span>
  </td>`;
}

function searchText(grant: GrantRow): string {
  const { nb, nn, en } = grant.ownerName;
  return [grant.person, grant.user, grant.org, nb, nn, en, grant.role, grant.environment, grant.access]
    .filter(Boolean)
    .join(" ")
    .toLowerCase();
}

/** Column headers; a `false` entry is a column this table leaves out. */
function headerRow(labels: readonly (string | false)[]): Html {
  return html`<tr>
    ${labels.map((label) => label && html`<th scope="col">${label}</th>`)}
  </tr>`;
}

function personCell(grant: GrantRow): Html {
  return html`<th scope="row">${grant.person ?? grant.user}<br /><span class="upn">${grant.user}</span></th>`;
}

const GRANT_COLUMNS = [
  "person",
  "owner",
  "role",
  "environment",
  "access",
  "expires",
  "ticket",
  "reason",
  "added",
] as const;

// One line per row, kept so by the formatter: the markup is repeated for every grant, in the table and the data block.
// prettier-ignore
function grantRow(grant: GrantRow, context: PageContext, withOwner: boolean): string {
  const owner = withOwner ? html`<td><a href="${ownerPagePath(grant.org)}">${grant.org}</a><br><span class="sub">${ownerName(grant.ownerName)}</span></td>` : "";
  return html`<tr class="${grant.status}">${personCell(grant)}${owner}<td>${ROLE_LABELS[grant.role]}</td><td>${grant.environment}</td><td>${grant.access}</td>${expiryCell(grant)}<td>${grant.ticket ?? html`<span class="sub">none</span>`}</td><td>${grant.reason ?? ""}</td>${addedCell(grant, context)}</tr>`.html;
}

/** JSON inside a script element: no "<" at all, so nothing in it can close the element or open a comment. */
function jsonDataBlock(id: string, value: unknown): Html {
  return raw(`<script type="application/json" id="${id}">${JSON.stringify(value).replace(/</g, "\\u003c")}</script>`);
}

function grantsSection(grants: readonly GrantRow[], context: PageContext, withOwner: boolean): Html {
  // An empty table would show only its headers: say so instead (the search script finds nothing to run on).
  if (grants.length === 0) {
    return html`<section class="grants" aria-labelledby="grants-heading">
      <h2 id="grants-heading">Grants</h2>
      <p>No grants.</p>
    </section>`;
  }
  const rows = grants.map((grant) => grantRow(grant, context, withOwner));
  const initial = Math.min(rows.length, ROWS_SHOWN);
  return html`<section class="grants" aria-labelledby="grants-heading">
    <h2 id="grants-heading">Grants</h2>
    <div class="search">
      <label for="grant-search">Filter grants by person, owner, role or environment</label>
      <input
        id="grant-search"
        type="search"
        autocomplete="off"
        spellcheck="false"
        aria-describedby="grant-search-hint"
        aria-controls="grants"
      />
      <p id="grant-search-hint" class="hint">Every word must match, e.g. “kari prod operations”.</p>
      <p id="grant-search-status" role="status">
        ${
          initial === rows.length
            ? `Showing all ${rows.length} grants.`
            : `Showing the first ${initial} of ${rows.length} grants.`
        }
      </p>
      <noscript><p>Filtering needs JavaScript; every grant is also listed on its owner's page.</p></noscript>
    </div>
    <table id="grants">
      <caption>
        Every grant${withOwner ? " of every owner" : ""}; expiring within ${EXPIRING_WITHIN_DAYS} days and expired
        grants are marked.
      </caption>
      <colgroup>
        ${GRANT_COLUMNS.filter((column) => withOwner || column !== "owner").map(
          (column) => html`<col class="${column}" />`,
        )}
      </colgroup>
      <thead>
        ${headerRow(["Person", withOwner && "Owner", "Role", "Environment", "Access", "Expires", "Ticket", "Reason", "Added"])}
      </thead>
      <tbody>
        ${raw(rows.slice(0, initial).join(""))}
      </tbody>
    </table>
    <button type="button" id="grant-show-all" hidden>Show all</button>
    ${jsonDataBlock(
      "grant-rows",
      grants.map((grant, index) => [searchText(grant), rows[index]]),
    )}
  </section>`;
}

function expiringSection(grants: readonly GrantRow[], withOwner: boolean): Html {
  const soon = grants
    .filter((grant) => grant.status !== "active")
    .sort((a, b) => (a.daysLeft ?? 0) - (b.daysLeft ?? 0));
  const body =
    soon.length === 0
      ? html`<p>No grant expires within ${EXPIRING_WITHIN_DAYS} days.</p>`
      : html`<table>
          <caption>
            Grants that end within ${EXPIRING_WITHIN_DAYS} days, soonest first (and expired grants still in the files).
          </caption>
          <thead>
            ${headerRow(["Person", withOwner && "Owner", "Role", "Environment", "Expires", "Ticket"])}
          </thead>
          <tbody>
            ${soon.map(
              (grant) =>
                html`<tr class="${grant.status}">
                  ${personCell(grant)}
                  ${withOwner ? html`<td><a href="${ownerPagePath(grant.org)}">${grant.org}</a></td>` : ""}
                  <td>${ROLE_LABELS[grant.role]}</td>
                  <td>${grant.environment}</td>
                  ${expiryCell(grant)}
                  <td>${grant.ticket ?? ""}</td>
                </tr>`,
            )}
          </tbody>
        </table>`;
  return html`<section aria-labelledby="expiring-heading">
    <h2 id="expiring-heading">Expiring within ${EXPIRING_WITHIN_DAYS} days</h2>
    ${body}
  </section>`;
}

const countHeaders = () =>
  ENVIRONMENTS.flatMap((environment) =>
    ROLES.map((role) => html`<th scope="col" class="num">${environment} ${ROLE_LABELS[role]}</th>`),
  );

export function fleetPage(context: PageContext): string {
  const { owners } = context.report;
  const grants = owners.flatMap((owner) => owner.grants);
  const ownerRows = owners.map((owner) => {
    const expiring = owner.grants.filter((grant) => grant.status !== "active").length;
    return html`<tr id="owner-${owner.org}">
      <th scope="row">
        <a href="${ownerPagePath(owner.org)}">${owner.org}</a><br /><span class="sub">${ownerName(owner.name)}</span>
      </th>
      <td>${owner.environments.join(", ")}${owner.testOwner ? html`<br /><span class="sub">test owner</span>` : ""}</td>
      <td>${termsSummary(owner, false)}</td>
      ${ENVIRONMENTS.flatMap((environment) => ROLES.map((role) => countCell(owner.counts[environment], role)))}
      <td class="num">${expiring > 0 ? html`<span class="badge expiring">${expiring}</span>` : "0"}</td>
    </tr>`;
  });
  return page(
    "Access overview: who has what",
    html`<h1>Access overview: who has what</h1>
      ${generationNote(context)}
      <p>
        ${plural(owners.length, "service owner")}, ${plural(grants.length, "grant")}. Prod terms of use must be version
        ${context.report.requiredTermsVersion ?? "(not set)"}.
      </p>
      ${rolesExplained()}
      <section aria-labelledby="owners-heading">
        <h2 id="owners-heading">Owners</h2>
        <table id="owners">
          <caption>
            Every owner and environment: prod terms of use and current (unexpired) grants per role.
          </caption>
          <thead>
            <tr>
              <th scope="col">Owner</th>
              <th scope="col">Environments</th>
              <th scope="col">Terms of use for prod</th>
              ${countHeaders()}
              <th scope="col" class="num">Expiring ≤ ${EXPIRING_WITHIN_DAYS} days</th>
            </tr>
          </thead>
          <tbody>
            ${ownerRows}
          </tbody>
        </table>
      </section>
      ${expiringSection(grants, true)} ${grantsSection(grants, context, true)}`,
  );
}

function countsTable(owner: OwnerReport): Html {
  const rows = owner.environments.map(
    (environment: EnvironmentName) =>
      html`<tr>
        <th scope="row">${environment}</th>
        ${ROLES.map((role) => countCell(owner.counts[environment], role))}
      </tr>`,
  );
  return html`<table class="counts">
    <caption>
      Current (unexpired) grants per environment and role.
    </caption>
    <thead>
      <tr>
        <th scope="col">Environment</th>
        ${ROLES.map((role) => html`<th scope="col" class="num">${ROLE_LABELS[role]}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

export function ownerPage(owner: OwnerReport, context: PageContext): string {
  const { nb, nn, en } = owner.name;
  const users = owner.users.map(
    (user) =>
      html`<tr>
        <th scope="row">${user.name}</th>
        <td>${user.upn}</td>
        <td class="num">${user.grants === 0 ? html`<span class="sub">none</span>` : user.grants}</td>
      </tr>`,
  );
  const { grants } = owner;
  return page(
    `${nb} (${owner.org}): access`,
    html`<p><a href="../index.html">← All owners</a></p>
      <h1>${ownerName(owner.name)} <span class="sub">(${owner.org})</span></h1>
      <p class="sub"><span lang="en">${en}</span>${nn && nn !== nb ? html` · <span lang="nn">${nn}</span>` : ""}</p>
      ${generationNote(context)}
      <dl class="facts">
        <dt>Environments</dt>
        <dd>${owner.environments.join(", ")}${owner.testOwner ? " (test owner)" : ""}</dd>
        <dt>Owner file</dt>
        <dd><code>${owner.file}</code></dd>
      </dl>
      <section aria-labelledby="terms-heading">
        <h2 id="terms-heading">Terms of use for prod</h2>
        <div>${termsSummary(owner, true)}</div>
      </section>
      <section aria-labelledby="counts-heading">
        <h2 id="counts-heading">Access per environment</h2>
        ${countsTable(owner)}
      </section>
      <section aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline: grants to their expiry</h2>
        ${grants.length > 0 ? grantTimeline(grants, context.report.today, "timeline-heading") : html`<p>No grants.</p>`}
      </section>
      ${expiringSection(grants, false)}
      <section aria-labelledby="users-heading">
        <h2 id="users-heading">Registered users</h2>
        ${
          users.length === 0
            ? html`<p>No registered users.</p>`
            : html`<table>
                <caption>
                  Everyone registered with ${owner.org}, and how many grants each has.
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">User principal name</th>
                    <th scope="col">Grants</th>
                  </tr>
                </thead>
                <tbody>
                  ${users}
                </tbody>
              </table>`
        }
      </section>
      ${grantsSection(grants, context, false)}`,
  );
}
