/**
 * The app's views and who may open them. Navigation, the default view per role and the guard against
 * opening a view above one's role all read this table; a new surface is one entry here plus its view.
 */

import type { ComponentType } from "preact";
import { type Role, atLeast } from "./realtime/protocol";
import { ReportsView } from "./reports/ReportsView";
import { AdminView } from "./views/AdminView";
import { WallboardView } from "./views/WallboardView";
import { WorkspaceView } from "./views/WorkspaceView";

export interface RouteDef {
  /** The hash path, e.g. "/workspace" for #/workspace. */
  path: string;
  title: string;
  minRole: Role;
  view: ComponentType;
}

export const ROUTES: readonly RouteDef[] = [
  { path: "/workspace", title: "Workspace", minRole: "agent", view: WorkspaceView },
  { path: "/wallboard", title: "Wallboard", minRole: "supervisor", view: WallboardView },
  { path: "/reports", title: "Reports", minRole: "supervisor", view: ReportsView },
  // Supervisors may open the console to read the configuration; only admins change it (as in the config API).
  { path: "/admin", title: "Admin console", minRole: "supervisor", view: AdminView },
];

/** Where each role lands after sign-in. */
const HOME: Record<Role, string> = { agent: "/workspace", supervisor: "/wallboard", admin: "/admin" };

export function routesFor(role: Role): RouteDef[] {
  return ROUTES.filter((route) => atLeast(role, route.minRole));
}

/** The route for a hash path, or the role's home when the path is unknown or above the role. */
export function resolveRoute(path: string, role: Role): RouteDef {
  const allowed = routesFor(role);
  const match = allowed.find((route) => route.path === path) ?? allowed.find((route) => route.path === HOME[role]);
  if (match === undefined) throw new Error(`No route for role ${role}`);
  return match;
}
