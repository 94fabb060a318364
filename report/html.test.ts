import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml, html, raw, safeHttpsUrl } from "./html";

describe("html", () => {
  it("escapes every interpolated value and keeps fragments", () => {
    const name = `<script>alert("x")</script> & 'co'`;
    // prettier-ignore
    const markup = html`<td title="${name}">${name}</td>${raw("<br>")}`;
    expect(markup.html).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</td><br>',
    );
  });

  it("joins lists, prints numbers and omits absent values", () => {
    // prettier-ignore
    const markup = html`<ul>${["<a>", html`<li>${1}</li>`]}${undefined}${null}${false}</ul>`;
    expect(markup.html).toBe("<ul>&lt;a&gt;<li>1</li></ul>");
  });

  it("leaves no character that could open a tag or leave an attribute, whatever the value", () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(escapeHtml(value)).not.toMatch(/[<>"']/);
        expect(escapeHtml(value).replace(/&(amp|lt|gt|quot|#39);/g, "")).not.toContain("&");
      }),
    );
  });

  it("links only https URLs", () => {
    expect(safeHttpsUrl("https://digdir.apps.altinn.no/x")).toBe("https://digdir.apps.altinn.no/x");
    for (const value of ["javascript:alert(1)", "data:text/html,<b>", "http://example.no", "not a url", ""]) {
      expect(safeHttpsUrl(value)).toBeUndefined();
    }
  });
});
