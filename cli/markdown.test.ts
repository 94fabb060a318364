import { describe, expect, it } from "vitest";
import { code, raw, table, text } from "./markdown";

describe("markdown", () => {
  it("renders values from files inert", () => {
    expect(text("# Heading")).toBe("\\# Heading");
    expect(text("<!-- hide")).toBe("&lt;\\!\\-\\- hide");
    expect(text("a\n## b")).toBe("a \\#\\# b");
    expect(text("[x](https://evil)")).toBe("\\[x\\]\\(https\\://evil\\)");
    expect(text("a|b")).toBe("a\\|b");
  });

  it("keeps code spans closed whatever the value holds", () => {
    expect(code("a`b")).toBe("``a`b``");
    expect(code("`x")).toBe("`` `x ``");
    expect(code("a|b")).toBe("`a\\|b`");
  });

  it("escapes every plain cell and keeps trusted fragments", () => {
    expect(table(["a", "b"], [["x|y", raw("**bold**")]])).toEqual(["| a | b |", "|---|---|", "| x\\|y | **bold** |"]);
  });
});
