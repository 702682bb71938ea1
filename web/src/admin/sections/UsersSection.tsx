/** Users and agents: role, team, site, queues, skills with proficiency, capacity, auto-answer, first password. */

import { CollectionSection } from "../CollectionSection";
import { useLookup } from "../context";
import {
  CheckboxField,
  FieldShell,
  type FormBinding,
  NumberField,
  type Option,
  SelectField,
  TextField,
  describedBy,
} from "../fields";
import { type FormMode, type UserDraft, userForm } from "../forms";
import type { Queue, Site, Skill, Team, User } from "../resources";
import { MAX_SKILLS, PASSWORD_MIN, RANGES } from "../validation";
import { NONE, nameOf, optionsOf } from "./common";

const ROLE_OPTIONS: Option[] = [
  { value: "agent", label: "Agent" },
  { value: "supervisor", label: "Supervisor" },
  { value: "admin", label: "Admin" },
];

const ROLE_LABELS: Record<string, string> = { agent: "Agent", supervisor: "Supervisor", admin: "Admin" };

const AUTO_ANSWER_OPTIONS: Option[] = [
  { value: "agent", label: "The agent chooses" },
  { value: "on", label: "On: offers are answered at once" },
  { value: "off", label: "Off: the agent accepts each offer" },
];

const PROFICIENCY_OPTIONS: Option[] = [1, 2, 3, 4, 5].map((level) => ({
  value: String(level),
  label: level === 5 ? "5 (best)" : level === 1 ? "1 (basic)" : String(level),
}));

function fieldsOf(draft: UserDraft): string[] {
  const fields = [
    "username",
    "name",
    "email",
    "role",
    "teamId",
    "siteId",
    "skills",
    "maxConcurrent",
    "autoAnswer",
    "outboundQueueId",
    "queueIds",
    "enabled",
    "password",
    "permanentPassword",
  ];
  draft.skills.forEach((_, index) => fields.push(`skills.${index}.skillId`, `skills.${index}.proficiency`));
  draft.queueIds.forEach((_, index) => fields.push(`queueIds.${index}`));
  return fields;
}

export function UsersSection() {
  const teams = useLookup<Team>("teams");
  const sites = useLookup<Site>("sites");
  const skills = useLookup<Skill>("skills");
  const queues = useLookup<Queue>("queues");

  return (
    <CollectionSection<User, UserDraft>
      collection="users"
      title="Users and agents"
      noun="user"
      intro={
        <p class="hint">
          Everyone who signs in: agents, supervisors and admins. Skills and proficiency decide routing; capacity is how
          many conversations an agent handles at once.
        </p>
      }
      labelOf={(user) => user.username}
      columns={[
        {
          header: "Name",
          primary: true,
          cell: (user) => (
            <>
              <span class="admin-table__main">{user.name}</span>
              <span class="admin-table__sub">{user.username}</span>
            </>
          ),
        },
        {
          header: "Role",
          cell: (user) => (
            <>
              <span class={`admin-pill admin-pill--${user.role}`}>{ROLE_LABELS[user.role]}</span>
              {!user.enabled && <span class="admin-pill admin-pill--disabled">Disabled</span>}
            </>
          ),
        },
        { header: "Team", cell: (user) => nameOf(teams, user.teamId) },
        { header: "Site", cell: (user) => nameOf(sites, user.siteId) },
        {
          header: "Skills",
          cell: (user) =>
            user.skills.length === 0 ? (
              NONE
            ) : (
              <ul class="admin-tags">
                {user.skills.map((level) => (
                  <li key={level.skillId} class="admin-tag">
                    {nameOf(skills, level.skillId)} <span class="admin-tag__level">{level.proficiency}</span>
                  </li>
                ))}
              </ul>
            ),
        },
        {
          header: "Queues",
          cell: (user) =>
            (user.queueIds ?? []).length === 0 ? NONE : user.queueIds.map((id) => nameOf(queues, id)).join(", "),
        },
        { header: "Capacity", cell: (user) => user.maxConcurrent },
      ]}
      spec={userForm}
      fieldsOf={fieldsOf}
      deleteNote="The user is logged off and signed out at once, and cannot sign in again; the username stays taken."
      renderFields={(form, mode) => (
        <UserFields form={form} mode={mode} teams={teams} sites={sites} skills={skills} queues={queues} />
      )}
    />
  );
}

function UserFields({
  form,
  mode,
  teams,
  sites,
  skills,
  queues,
}: {
  form: FormBinding<UserDraft>;
  mode: FormMode;
  teams: Team[] | null;
  sites: Site[] | null;
  skills: Skill[] | null;
  queues: Queue[] | null;
}) {
  return (
    <>
      <fieldset class="admin-group">
        <legend>Account</legend>
        {mode === "create" ? (
          <TextField
            form={form}
            name="username"
            label="Username"
            required
            autoComplete="off"
            hint="Used to sign in; cannot be changed later."
          />
        ) : (
          <div class="field">
            <span class="field__label">Username</span>
            <p class="field__static">{form.draft.username}</p>
          </div>
        )}
        <TextField form={form} name="name" label="Name" required autoComplete="off" />
        <TextField form={form} name="email" label="Email" type="email" required autoComplete="off" />
        <SelectField
          form={form}
          name="role"
          label="Role"
          options={ROLE_OPTIONS}
          hint={mode === "create" ? undefined : "A change ends the user's open sessions; they continue in the new role."}
        />
        <CheckboxField
          form={form}
          name="enabled"
          label="May sign in"
          hint="Untick to disable the account: the user is logged off and signed out at once."
        />
      </fieldset>
      <fieldset class="admin-group">
        <legend>Where they work</legend>
        <SelectField form={form} name="teamId" label="Team" options={optionsOf(teams, "No team")} />
        <SelectField
          form={form}
          name="siteId"
          label="Site"
          options={optionsOf(sites, "No site")}
          hint="The site's time zone decides the midnight logoff."
        />
        <SelectField form={form} name="outboundQueueId" label="Outbound queue" options={optionsOf(queues, "None")} />
      </fieldset>
      <QueuePicker form={form} queues={queues} />
      <fieldset class="admin-group">
        <legend>Conversations</legend>
        <NumberField
          form={form}
          name="maxConcurrent"
          label="Max concurrent conversations"
          min={RANGES.maxConcurrent.min}
          max={RANGES.maxConcurrent.max}
          required
          hint="1–20; 3–5 suits most chat work."
        />
        <SelectField form={form} name="autoAnswer" label="Auto-answer" options={AUTO_ANSWER_OPTIONS} />
      </fieldset>
      <SkillLevels form={form} skills={skills} />
      {mode === "create" && (
        <fieldset class="admin-group">
          <legend>First password</legend>
          <TextField
            form={form}
            name="password"
            label="Initial password"
            type="password"
            autoComplete="new-password"
            hint={`Leave empty to email a generated temporary password. Otherwise at least ${PASSWORD_MIN} characters with upper- and lower-case letters, a digit and a symbol.`}
          />
          <CheckboxField
            form={form}
            name="permanentPassword"
            label="Permanent"
            hint="Otherwise the user chooses a new password at first sign-in."
          />
          <CheckboxField form={form} name="sendInvitation" label="Email an invitation" />
        </fieldset>
      )}
    </>
  );
}

/** The queues the user is assigned to (seed: "Assign to queues"); routing will offer their interactions. */
function QueuePicker({ form, queues }: { form: FormBinding<UserDraft>; queues: Queue[] | null }) {
  const id = form.idFor("queueIds");
  const chosen = form.draft.queueIds;
  const errors = [form.errors["queueIds"], ...chosen.map((_, index) => form.errors[`queueIds.${index}`])].filter(
    (error): error is string => error !== undefined,
  );
  const known = new Set((queues ?? []).map((queue) => queue.id));
  // A queue the list no longer has (deleted meanwhile) stays visible so it can be unticked.
  const options = [
    ...(queues ?? []).map((queue) => ({ id: queue.id, name: queue.name })),
    ...chosen.filter((queueId) => !known.has(queueId)).map((queueId) => ({ id: queueId, name: queueId })),
  ];
  const toggle = (queueId: string, on: boolean) =>
    form.set("queueIds", on ? [...chosen, queueId] : chosen.filter((existing) => existing !== queueId));
  return (
    <fieldset
      class="admin-group admin-group--wide"
      id={id}
      aria-describedby={describedBy(id, true, errors.length > 0)}
    >
      <legend>Queues</legend>
      <p id={`${id}-hint`} class="field__hint">
        The queues whose interactions this user takes (routing will use them).
      </p>
      {queues === null ? (
        <p class="hint">Loading queues…</p>
      ) : options.length === 0 ? (
        <p class="hint">There are no queues yet.</p>
      ) : (
        <ul class="admin-check-list">
          {options.map((queue) => (
            <li key={queue.id}>
              <label class="admin-check">
                <input
                  type="checkbox"
                  checked={chosen.includes(queue.id)}
                  disabled={form.readOnly}
                  onChange={(event) => toggle(queue.id, event.currentTarget.checked)}
                />
                <span>{queue.name}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
      {errors.length > 0 && (
        <p id={`${id}-error`} class="field__error">
          {errors.join(" ")}
        </p>
      )}
    </fieldset>
  );
}

/** The user's skills: one row per skill with its proficiency (1–5), added and removed by buttons. */
function SkillLevels({ form, skills }: { form: FormBinding<UserDraft>; skills: Skill[] | null }) {
  const levels = form.draft.skills;
  const skillOptions = optionsOf(skills, "Choose a skill…");
  const listError = form.errors["skills"];
  const update = (index: number, change: Partial<{ skillId: string; proficiency: string }>) =>
    form.set(
      "skills",
      levels.map((level, at) => (at === index ? { ...level, ...change } : level)),
    );
  return (
    <fieldset class="admin-group admin-group--wide" id={form.idFor("skills")}>
      <legend>Skills and proficiency</legend>
      {levels.length === 0 && (
        <p class="hint">No skills: the agent gets interactions of queues without a required skill.</p>
      )}
      <ol class="admin-skills">
        {levels.map((level, index) => {
          const skillField = `skills.${index}.skillId`;
          const levelField = `skills.${index}.proficiency`;
          const skillId = form.idFor(skillField);
          const levelId = form.idFor(levelField);
          const skillName = nameOf(skills, level.skillId || null);
          return (
            <li key={index} class="admin-skill">
              <FieldShell id={skillId} label={`Skill ${index + 1}`} error={form.errors[skillField]}>
                <select
                  id={skillId}
                  value={level.skillId}
                  disabled={form.readOnly}
                  aria-invalid={form.errors[skillField] ? "true" : undefined}
                  aria-describedby={describedBy(skillId, false, form.errors[skillField] !== undefined)}
                  onChange={(event) => update(index, { skillId: event.currentTarget.value })}
                >
                  {(skillOptions.some((option) => option.value === level.skillId)
                    ? skillOptions
                    : [...skillOptions, { value: level.skillId, label: level.skillId }]
                  ).map((option) => (
                    <option key={option.value} value={option.value}>
                      {option.label}
                    </option>
                  ))}
                </select>
              </FieldShell>
              <FieldShell id={levelId} label="Proficiency" error={form.errors[levelField]}>
                <select
                  id={levelId}
                  value={level.proficiency}
                  disabled={form.readOnly}
                  aria-invalid={form.errors[levelField] ? "true" : undefined}
                  aria-describedby={describedBy(levelId, false, form.errors[levelField] !== undefined)}
                  onChange={(event) => update(index, { proficiency: event.currentTarget.value })}
                >
                  {PROFICIENCY_OPTIONS.map((option) => (
                    <option key={option.value} value={option.value}>
                      {option.label}
                    </option>
                  ))}
                </select>
              </FieldShell>
              {!form.readOnly && (
                <button
                  type="button"
                  class="button button--small admin-skill__remove"
                  aria-label={`Remove skill ${index + 1}${level.skillId ? ` (${skillName})` : ""}`}
                  onClick={() =>
                    form.set(
                      "skills",
                      levels.filter((_, at) => at !== index),
                    )
                  }
                >
                  Remove
                </button>
              )}
            </li>
          );
        })}
      </ol>
      {listError && <p class="field__error">{listError}</p>}
      {!form.readOnly && levels.length < MAX_SKILLS && (
        <button
          type="button"
          class="button button--small"
          onClick={() => form.set("skills", [...levels, { skillId: "", proficiency: "3" }])}
        >
          Add a skill
        </button>
      )}
    </fieldset>
  );
}
