import { AdminConsole } from "../admin/AdminConsole";

/** The admin console over the config API: users, teams, sites, skills, queues, pause codes and the rest. */
export function AdminView() {
  return <AdminConsole />;
}
