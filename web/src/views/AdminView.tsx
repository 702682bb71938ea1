import { PlannedView } from "./PlannedView";

/** The admin console over the config API: users, skills, queues, pause codes, dispositions, campaigns. */
export function AdminView() {
  return (
    <PlannedView title="Admin console">
      <p>Users, skills, queues, pause codes, disposition sets, canned messages and campaigns will be managed here.</p>
    </PlannedView>
  );
}
