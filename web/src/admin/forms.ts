/**
 * One form per kind of config item: the draft a person edits (text for numbers, "" for "none"), how an item
 * fills it, which rules it must meet before it is sent, and the request body it becomes. Pure functions, so
 * every rule is unit-tested without a browser.
 */

import type { Role } from "../realtime/protocol";
import {
  type AutoAnswer,
  type CannedMessage,
  DISPOSITION_CATEGORIES,
  type DispositionCategory,
  type DispositionSet,
  type Integration,
  type PauseCode,
  type PauseStatus,
  type Queue,
  type Site,
  type Skill,
  type Tag,
  type Team,
  type User,
  type WorkspaceSettings,
} from "./resources";
import {
  type FieldErrors,
  MAX_QUEUES,
  MAX_SKILLS,
  MAX_SUPERVISORS,
  PAUSE_LABEL_MAX,
  RANGES,
  TAG_LABEL_MAX,
  descriptionProblem,
  emailProblem,
  integerProblem,
  messageBodyProblem,
  nameProblem,
  optionalIntegerProblem,
  outcomeLines,
  outcomeProblems,
  parseWholeNumber,
  isTagPaletteName,
  passwordProblem,
  tagColorProblem,
  timeZoneProblem,
  usernameProblem,
} from "./validation";

export type FormMode = "create" | "edit";

export interface FormSpec<Item, Draft> {
  empty: () => Draft;
  fromItem: (item: Item) => Draft;
  validate: (draft: Draft, mode: FormMode) => FieldErrors;
  toBody: (draft: Draft, mode: FormMode) => Record<string, unknown>;
}

/** Keep only the problems that were found. */
function collect(problems: Record<string, string | null>): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, problem] of Object.entries(problems)) if (problem !== null) errors[field] = problem;
  return errors;
}

const orNull = (id: string): string | null => (id === "" ? null : id);
const optionalNumber = (text: string): number | null => (text.trim() === "" ? null : parseWholeNumber(text));
const numberText = (value: number | null): string => (value === null ? "" : String(value));

// --- users -----------------------------------------------------------------------------------------

export interface SkillLevelDraft {
  skillId: string;
  proficiency: string;
}

export interface UserDraft {
  username: string;
  name: string;
  email: string;
  role: Role;
  teamId: string;
  siteId: string;
  skills: SkillLevelDraft[];
  maxConcurrent: string;
  autoAnswer: AutoAnswer;
  outboundQueueId: string;
  queueIds: string[];
  enabled: boolean;
  /** Create only: empty lets Cognito generate a temporary password and email it. */
  password: string;
  permanentPassword: boolean;
  sendInvitation: boolean;
}

export const userForm: FormSpec<User, UserDraft> = {
  empty: () => ({
    username: "",
    name: "",
    email: "",
    role: "agent",
    teamId: "",
    siteId: "",
    skills: [],
    maxConcurrent: "5",
    autoAnswer: "agent",
    outboundQueueId: "",
    queueIds: [],
    enabled: true,
    password: "",
    permanentPassword: false,
    sendInvitation: true,
  }),
  fromItem: (user) => ({
    ...userForm.empty(),
    username: user.username,
    name: user.name,
    email: user.email,
    role: user.role,
    teamId: user.teamId ?? "",
    siteId: user.siteId ?? "",
    skills: user.skills.map((level) => ({ skillId: level.skillId, proficiency: String(level.proficiency) })),
    maxConcurrent: String(user.maxConcurrent),
    autoAnswer: user.autoAnswer,
    outboundQueueId: user.outboundQueueId ?? "",
    queueIds: [...(user.queueIds ?? [])],
    enabled: user.enabled,
  }),
  validate: (draft, mode) => {
    const errors = collect({
      username: mode === "create" ? usernameProblem(draft.username) : null,
      name: nameProblem(draft.name, "a name"),
      email: emailProblem(draft.email),
      maxConcurrent: integerProblem(draft.maxConcurrent, RANGES.maxConcurrent),
      skills: draft.skills.length > MAX_SKILLS ? `Give at most ${MAX_SKILLS} skills.` : null,
      queueIds: draft.queueIds.length > MAX_QUEUES ? `Choose at most ${MAX_QUEUES} queues.` : null,
    });
    const seen = new Set<string>();
    draft.skills.forEach((level, index) => {
      if (level.skillId === "") errors[`skills.${index}.skillId`] = "Choose a skill.";
      else if (seen.has(level.skillId)) errors[`skills.${index}.skillId`] = "This skill is already listed.";
      seen.add(level.skillId);
      const problem = integerProblem(level.proficiency, RANGES.proficiency);
      if (problem) errors[`skills.${index}.proficiency`] = problem;
    });
    if (mode === "create") {
      if (draft.password !== "") {
        const problem = passwordProblem(draft.password);
        if (problem) errors["password"] = problem;
      } else if (draft.permanentPassword) {
        errors["password"] = "Enter the password to make permanent, or untick “Permanent”.";
      }
    }
    return errors;
  },
  toBody: (draft, mode) => {
    const body: Record<string, unknown> = {
      name: draft.name.trim(),
      email: draft.email.trim(),
      role: draft.role,
      teamId: orNull(draft.teamId),
      siteId: orNull(draft.siteId),
      skills: draft.skills.map((level) => ({
        skillId: level.skillId,
        proficiency: parseWholeNumber(level.proficiency),
      })),
      maxConcurrent: parseWholeNumber(draft.maxConcurrent),
      autoAnswer: draft.autoAnswer,
      outboundQueueId: orNull(draft.outboundQueueId),
      queueIds: [...new Set(draft.queueIds)],
      enabled: draft.enabled,
    };
    if (mode === "create") {
      body["username"] = draft.username;
      if (draft.password !== "") {
        body["password"] = draft.password;
        body["permanentPassword"] = draft.permanentPassword;
      }
      body["sendInvitation"] = draft.sendInvitation;
    }
    return body;
  },
};

// --- teams, sites, skills ---------------------------------------------------------------------------

export interface TeamDraft {
  name: string;
  description: string;
  supervisorIds: string[];
}

export const teamForm: FormSpec<Team, TeamDraft> = {
  empty: () => ({ name: "", description: "", supervisorIds: [] }),
  fromItem: (team) => ({ name: team.name, description: team.description, supervisorIds: [...team.supervisorIds] }),
  validate: (draft) =>
    collect({
      name: nameProblem(draft.name, "a name"),
      description: descriptionProblem(draft.description),
      supervisorIds:
        draft.supervisorIds.length > MAX_SUPERVISORS ? `Choose at most ${MAX_SUPERVISORS} supervisors.` : null,
    }),
  toBody: (draft) => ({ name: draft.name.trim(), description: draft.description, supervisorIds: draft.supervisorIds }),
};

export interface SiteDraft {
  name: string;
  timeZone: string;
}

export const siteForm: FormSpec<Site, SiteDraft> = {
  empty: () => ({ name: "", timeZone: "" }),
  fromItem: (site) => ({ name: site.name, timeZone: site.timeZone }),
  validate: (draft) => collect({ name: nameProblem(draft.name, "a name"), timeZone: timeZoneProblem(draft.timeZone) }),
  toBody: (draft) => ({ name: draft.name.trim(), timeZone: draft.timeZone }),
};

export interface SkillDraft {
  name: string;
  description: string;
}

export const skillForm: FormSpec<Skill, SkillDraft> = {
  empty: () => ({ name: "", description: "" }),
  fromItem: (skill) => ({ name: skill.name, description: skill.description }),
  validate: (draft) =>
    collect({ name: nameProblem(draft.name, "a name"), description: descriptionProblem(draft.description) }),
  toBody: (draft) => ({ name: draft.name.trim(), description: draft.description }),
};

// --- queues ----------------------------------------------------------------------------------------

export interface QueueDraft {
  name: string;
  description: string;
  requiredSkillId: string;
  slaTargetSeconds: string;
  /** Empty: the settings' default. */
  wrapUpTimeoutSeconds: string;
  offerTimeoutSeconds: string;
  dispositionsEnabled: boolean;
  /** Empty: the settings' default set; ignored when dispositions are off. */
  dispositionSetId: string;
  webChat: boolean;
  /** Empty: the queue's name. */
  topicLabel: string;
}

export const queueForm: FormSpec<Queue, QueueDraft> = {
  empty: () => ({
    name: "",
    description: "",
    requiredSkillId: "",
    slaTargetSeconds: "20",
    wrapUpTimeoutSeconds: "",
    offerTimeoutSeconds: "",
    dispositionsEnabled: true,
    dispositionSetId: "",
    webChat: false,
    topicLabel: "",
  }),
  fromItem: (queue) => ({
    name: queue.name,
    description: queue.description,
    requiredSkillId: queue.requiredSkillId ?? "",
    slaTargetSeconds: String(queue.slaTargetSeconds),
    wrapUpTimeoutSeconds: numberText(queue.wrapUpTimeoutSeconds),
    offerTimeoutSeconds: numberText(queue.offerTimeoutSeconds),
    dispositionsEnabled: queue.dispositionsEnabled ?? true,
    dispositionSetId: queue.dispositionSetId ?? "",
    webChat: queue.webChat ?? false,
    topicLabel: queue.topicLabel ?? "",
  }),
  validate: (draft) =>
    collect({
      name: nameProblem(draft.name, "a name"),
      description: descriptionProblem(draft.description),
      slaTargetSeconds: integerProblem(draft.slaTargetSeconds, RANGES.slaTargetSeconds),
      wrapUpTimeoutSeconds: optionalIntegerProblem(draft.wrapUpTimeoutSeconds, RANGES.wrapUpTimeoutSeconds),
      offerTimeoutSeconds: optionalIntegerProblem(draft.offerTimeoutSeconds, RANGES.offerTimeoutSeconds),
      topicLabel: draft.topicLabel.trim() === "" ? null : nameProblem(draft.topicLabel, "a topic label"),
    }),
  toBody: (draft) => ({
    name: draft.name.trim(),
    description: draft.description,
    requiredSkillId: orNull(draft.requiredSkillId),
    slaTargetSeconds: parseWholeNumber(draft.slaTargetSeconds),
    wrapUpTimeoutSeconds: optionalNumber(draft.wrapUpTimeoutSeconds),
    offerTimeoutSeconds: optionalNumber(draft.offerTimeoutSeconds),
    dispositionsEnabled: draft.dispositionsEnabled,
    dispositionSetId: draft.dispositionsEnabled ? orNull(draft.dispositionSetId) : null,
    webChat: draft.webChat,
    topicLabel: orNull(draft.topicLabel.trim()),
  }),
};

// --- pause codes -----------------------------------------------------------------------------------

export interface PauseCodeDraft {
  label: string;
  status: PauseStatus;
  productive: boolean;
  enabled: boolean;
}

export const pauseCodeForm: FormSpec<PauseCode, PauseCodeDraft> = {
  empty: () => ({ label: "", status: "Away", productive: false, enabled: true }),
  fromItem: (code) => ({ label: code.label, status: code.status, productive: code.productive, enabled: code.enabled }),
  validate: (draft) => collect({ label: nameProblem(draft.label, "a label", PAUSE_LABEL_MAX) }),
  toBody: (draft) => ({
    label: draft.label.trim(),
    status: draft.status,
    productive: draft.productive,
    enabled: draft.enabled,
  }),
};

// --- disposition sets ------------------------------------------------------------------------------

export interface DispositionSetDraft {
  name: string;
  /** One outcome per line. */
  outcomes: Record<DispositionCategory, string>;
}

export const dispositionSetForm: FormSpec<DispositionSet, DispositionSetDraft> = {
  empty: () => ({ name: "", outcomes: { Success: "", Unsure: "", Fail: "" } }),
  fromItem: (set) => ({
    name: set.name,
    outcomes: {
      Success: set.outcomes.Success.join("\n"),
      Unsure: set.outcomes.Unsure.join("\n"),
      Fail: set.outcomes.Fail.join("\n"),
    },
  }),
  validate: (draft) => ({
    ...collect({ name: nameProblem(draft.name, "a name") }),
    ...outcomeProblems(dispositionOutcomes(draft), DISPOSITION_CATEGORIES),
  }),
  toBody: (draft) => ({ name: draft.name.trim(), outcomes: dispositionOutcomes(draft) }),
};

function dispositionOutcomes(draft: DispositionSetDraft): Record<DispositionCategory, string[]> {
  return {
    Success: outcomeLines(draft.outcomes.Success),
    Unsure: outcomeLines(draft.outcomes.Unsure),
    Fail: outcomeLines(draft.outcomes.Fail),
  };
}

// --- canned messages -------------------------------------------------------------------------------

export interface CannedMessageDraft {
  title: string;
  body: string;
  /** Empty: offered in every queue. */
  queueId: string;
}

export const cannedMessageForm: FormSpec<CannedMessage, CannedMessageDraft> = {
  empty: () => ({ title: "", body: "", queueId: "" }),
  fromItem: (message) => ({ title: message.title, body: message.body, queueId: message.queueId ?? "" }),
  validate: (draft) => collect({ title: nameProblem(draft.title, "a title"), body: messageBodyProblem(draft.body) }),
  toBody: (draft) => ({ title: draft.title.trim(), body: draft.body, queueId: orNull(draft.queueId) }),
};

// --- tags ------------------------------------------------------------------------------------------

export interface TagDraft {
  label: string;
  /** "" none, a palette name, or "custom" (then `customColor`, #rrggbb). */
  color: string;
  customColor: string;
  description: string;
  enabled: boolean;
}

export const CUSTOM_COLOR = "custom";

export const tagForm: FormSpec<Tag, TagDraft> = {
  empty: () => ({ label: "", color: "", customColor: "", description: "", enabled: true }),
  fromItem: (tag) => {
    const named = tag.color === null || isTagPaletteName(tag.color);
    return {
      label: tag.label,
      color: named ? (tag.color ?? "") : CUSTOM_COLOR,
      customColor: named ? "" : (tag.color ?? ""),
      description: tag.description,
      enabled: tag.enabled,
    };
  },
  validate: (draft) =>
    collect({
      label: nameProblem(draft.label, "a label", TAG_LABEL_MAX),
      customColor: draft.color === CUSTOM_COLOR ? tagColorProblem(draft.customColor) : null,
      description: descriptionProblem(draft.description),
    }),
  toBody: (draft) => ({
    label: draft.label.trim(),
    color: tagColorOf(draft),
    description: draft.description,
    enabled: draft.enabled,
  }),
};

function tagColorOf(draft: TagDraft): string | null {
  if (draft.color === "") return null;
  return draft.color === CUSTOM_COLOR ? draft.customColor.trim().toLowerCase() : draft.color;
}

// --- integrations ----------------------------------------------------------------------------------

export interface IntegrationDraft {
  name: string;
  description: string;
  enabled: boolean;
}

export const integrationForm: FormSpec<Integration, IntegrationDraft> = {
  empty: () => ({ name: "", description: "", enabled: true }),
  fromItem: (integration) => ({
    name: integration.name,
    description: integration.description,
    enabled: integration.enabled,
  }),
  validate: (draft) =>
    collect({ name: nameProblem(draft.name, "a name"), description: descriptionProblem(draft.description) }),
  toBody: (draft) => ({ name: draft.name.trim(), description: draft.description, enabled: draft.enabled }),
};

// --- settings --------------------------------------------------------------------------------------

export interface SettingsDraft {
  presenceGraceSeconds: string;
  defaultWrapUpTimeoutSeconds: string;
  defaultOfferTimeoutSeconds: string;
  generalQueueId: string;
  defaultDispositionSetId: string;
  defaultTimeZone: string;
  autoLogoffAtMidnight: boolean;
}

export const settingsForm: FormSpec<WorkspaceSettings, SettingsDraft> = {
  empty: () => ({
    presenceGraceSeconds: "60",
    defaultWrapUpTimeoutSeconds: "120",
    defaultOfferTimeoutSeconds: "30",
    generalQueueId: "",
    defaultDispositionSetId: "",
    defaultTimeZone: "UTC",
    autoLogoffAtMidnight: true,
  }),
  fromItem: (settings) => ({
    presenceGraceSeconds: String(settings.presenceGraceSeconds),
    defaultWrapUpTimeoutSeconds: String(settings.defaultWrapUpTimeoutSeconds),
    defaultOfferTimeoutSeconds: String(settings.defaultOfferTimeoutSeconds),
    generalQueueId: settings.generalQueueId ?? "",
    defaultDispositionSetId: settings.defaultDispositionSetId ?? "",
    defaultTimeZone: settings.defaultTimeZone,
    autoLogoffAtMidnight: settings.autoLogoffAtMidnight,
  }),
  validate: (draft) =>
    collect({
      presenceGraceSeconds: integerProblem(draft.presenceGraceSeconds, RANGES.presenceGraceSeconds),
      defaultWrapUpTimeoutSeconds: integerProblem(draft.defaultWrapUpTimeoutSeconds, RANGES.wrapUpTimeoutSeconds),
      defaultOfferTimeoutSeconds: integerProblem(draft.defaultOfferTimeoutSeconds, RANGES.offerTimeoutSeconds),
      defaultTimeZone: timeZoneProblem(draft.defaultTimeZone),
    }),
  toBody: (draft) => ({
    presenceGraceSeconds: parseWholeNumber(draft.presenceGraceSeconds),
    defaultWrapUpTimeoutSeconds: parseWholeNumber(draft.defaultWrapUpTimeoutSeconds),
    defaultOfferTimeoutSeconds: parseWholeNumber(draft.defaultOfferTimeoutSeconds),
    generalQueueId: orNull(draft.generalQueueId),
    defaultDispositionSetId: orNull(draft.defaultDispositionSetId),
    defaultTimeZone: draft.defaultTimeZone,
    autoLogoffAtMidnight: draft.autoLogoffAtMidnight,
  }),
};

/**
 * Where an API error's `field` shows in a form: the field itself when the form has it, else the nearest
 * enclosing one (`outcomes.Success.2` → `outcomes.Success`), else null (the form's own message).
 */
export function formFieldFor(apiField: string | null, formFields: readonly string[]): string | null {
  if (apiField === null) return null;
  const parts = apiField.split(".");
  for (let length = parts.length; length > 0; length--) {
    const candidate = parts.slice(0, length).join(".");
    if (formFields.includes(candidate)) return candidate;
  }
  return null;
}

/** The API's message without the leading `field: ` it repeats, for showing right under that field. */
export function messageForField(message: string, apiField: string): string {
  const prefix = `${apiField}: `;
  const text = message.startsWith(prefix) ? message.slice(prefix.length) : message;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
