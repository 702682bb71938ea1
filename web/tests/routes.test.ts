import { describe, expect, it } from "vitest";
import { parseUser } from "../src/realtime/protocol";
import { resolveRoute, routesFor } from "../src/routes";

describe("routes", () => {
  it("offers each role its own surfaces and those below it", () => {
    expect(routesFor("agent").map((r) => r.path)).toEqual(["/workspace"]);
    expect(routesFor("supervisor").map((r) => r.path)).toEqual(["/workspace", "/wallboard", "/reports", "/admin"]);
    expect(routesFor("admin").map((r) => r.path)).toEqual(["/workspace", "/wallboard", "/reports", "/admin"]);
    expect(resolveRoute("/reports", "agent").path).toBe("/workspace"); // agents never open Reports
  });

  it("lands each role on its home view and never opens a view above the role", () => {
    expect(resolveRoute("/", "agent").path).toBe("/workspace");
    expect(resolveRoute("/", "supervisor").path).toBe("/wallboard");
    expect(resolveRoute("/", "admin").path).toBe("/admin");
    expect(resolveRoute("/admin", "agent").path).toBe("/workspace");
    expect(resolveRoute("/admin", "supervisor").path).toBe("/admin");
    expect(resolveRoute("/workspace", "admin").path).toBe("/workspace");
  });
});

describe("parseUser", () => {
  it("accepts the whoami user and refuses unknown roles", () => {
    const user = { userId: "u1", username: "agent1", name: "Ana Agent", email: "ana@example.com", role: "agent" };
    expect(parseUser(user)).toEqual(user);
    expect(parseUser({ ...user, role: "root" })).toBeNull();
    expect(parseUser({ ...user, name: 7 })).toBeNull();
    expect(parseUser("agent1")).toBeNull();
  });
});
