/** Teams: a name and the supervisors (supervisors or admins) who see and manage its agents. */

import { CollectionSection } from "../CollectionSection";
import { useLookup } from "../context";
import { type FormBinding, TextAreaField, TextField, describedBy } from "../fields";
import { type TeamDraft, teamForm } from "../forms";
import type { Team, User } from "../resources";
import { NONE } from "./common";

export function TeamsSection() {
  const users = useLookup<User>("users");
  const nameOfUser = (id: string) => users?.find((user) => user.id === id)?.name ?? id;
  return (
    <CollectionSection<Team, TeamDraft>
      collection="teams"
      title="Teams"
      noun="team"
      intro={
        <p class="hint">Agents join a team in their user profile; the team's supervisors see them on the wallboard.</p>
      }
      labelOf={(team) => team.name}
      columns={[
        { header: "Name", primary: true, cell: (team) => team.name },
        {
          header: "Supervisors",
          cell: (team) => (team.supervisorIds.length === 0 ? NONE : team.supervisorIds.map(nameOfUser).join(", ")),
        },
        { header: "Description", cell: (team) => team.description || NONE },
      ]}
      spec={teamForm}
      fieldsOf={() => ["name", "description", "supervisorIds"]}
      renderFields={(form) => (
        <>
          <TextField form={form} name="name" label="Name" required />
          <TextAreaField form={form} name="description" label="Description" rows={2} />
          <SupervisorPicker form={form} users={users} />
        </>
      )}
    />
  );
}

function SupervisorPicker({ form, users }: { form: FormBinding<TeamDraft>; users: User[] | null }) {
  const id = form.idFor("supervisorIds");
  const error = form.errors["supervisorIds"];
  const chosen = form.draft.supervisorIds;
  const candidates = (users ?? [])
    .filter((user) => user.role !== "agent" || chosen.includes(user.id))
    .sort((a, b) => a.name.localeCompare(b.name));
  const toggle = (userId: string, on: boolean) =>
    form.set("supervisorIds", on ? [...chosen, userId] : chosen.filter((existing) => existing !== userId));
  return (
    <fieldset
      class="admin-group admin-group--wide"
      id={id}
      aria-describedby={describedBy(id, true, error !== undefined)}
    >
      <legend>Supervisors</legend>
      <p id={`${id}-hint`} class="field__hint">
        Supervisors and admins; up to 20.
      </p>
      {users === null ? (
        <p class="hint">Loading users…</p>
      ) : candidates.length === 0 ? (
        <p class="hint">There are no supervisors or admins yet.</p>
      ) : (
        <ul class="admin-check-list">
          {candidates.map((user) => (
            <li key={user.id}>
              <label class="admin-check">
                <input
                  type="checkbox"
                  checked={chosen.includes(user.id)}
                  disabled={form.readOnly}
                  onChange={(event) => toggle(user.id, event.currentTarget.checked)}
                />
                <span>
                  {user.name} <span class="admin-table__sub">{user.username}</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p id={`${id}-error`} class="field__error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
