/**
 * The config items as the config API sends them (`GET /api/<collection>`), in the API's own field names.
 * The OpenAPI document (`/api/openapi.json`) is the contract; these types follow its schemas.
 */

import type { Role } from "../realtime/protocol";

/** What every stored item carries. `version` is also its ETag (`"3"`). */
export interface Stored {
  id: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export type AutoAnswer = "on" | "off" | "agent";

export interface SkillLevel {
  skillId: string;
  /** 1–5, 5 best. */
  proficiency: number;
}

export interface User extends Stored {
  username: string;
  name: string;
  email: string;
  role: Role;
  teamId: string | null;
  siteId: string | null;
  skills: SkillLevel[];
  maxConcurrent: number;
  autoAnswer: AutoAnswer;
  outboundQueueId: string | null;
  /** The queues the user takes interactions from (stored now; routing will read them). */
  queueIds: string[];
  /** false: the user cannot sign in; their open sessions were ended. */
  enabled: boolean;
}

export interface Team extends Stored {
  name: string;
  description: string;
  supervisorIds: string[];
}

export interface Site extends Stored {
  name: string;
  timeZone: string;
}

export interface Skill extends Stored {
  name: string;
  description: string;
}

export interface Queue extends Stored {
  name: string;
  description: string;
  requiredSkillId: string | null;
  slaTargetSeconds: number;
  wrapUpTimeoutSeconds: number | null;
  offerTimeoutSeconds: number | null;
  /** false: the queue's interactions end without a disposition (dispositionSetId is then null). */
  dispositionsEnabled: boolean;
  /** null: the settings' default set (when dispositions are enabled). */
  dispositionSetId: string | null;
  /** Customers may open a chat here from the public chat page. */
  webChat: boolean;
  /** What the chat page calls the topic; null: the queue's name. */
  topicLabel: string | null;
}

export type PauseStatus = "Away" | "Busy";

export interface PauseCode extends Stored {
  label: string;
  status: PauseStatus;
  productive: boolean;
  enabled: boolean;
  system: boolean;
}

export const DISPOSITION_CATEGORIES = ["Success", "Unsure", "Fail"] as const;
export type DispositionCategory = (typeof DISPOSITION_CATEGORIES)[number];

export interface DispositionSet extends Stored {
  name: string;
  outcomes: Record<DispositionCategory, string[]>;
}

export interface CannedMessage extends Stored {
  title: string;
  body: string;
  queueId: string | null;
}

/** A palette name (`TAG_COLORS`) or `#rrggbb`. */
export type TagColor = string;

export interface Tag extends Stored {
  /** What agents pick in a conversation; 1–40 characters, unique ignoring case and spacing. */
  label: string;
  /** null: the workspace's neutral colour. */
  color: TagColor | null;
  description: string;
  /** false: kept on past interactions, not offered. */
  enabled: boolean;
}

export interface Integration extends Stored {
  name: string;
  description: string;
  enabled: boolean;
  /** The key's first characters, to tell keys apart; the key itself is shown once, at creation. */
  keyPrefix: string;
}

export interface IntegrationCreated extends Integration {
  key: string;
}

export interface WorkspaceSettings {
  presenceGraceSeconds: number;
  defaultWrapUpTimeoutSeconds: number;
  defaultOfferTimeoutSeconds: number;
  generalQueueId: string | null;
  defaultDispositionSetId: string | null;
  defaultTimeZone: string;
  autoLogoffAtMidnight: boolean;
  /** 0 until the settings are first saved. */
  version: number;
  updatedAt: string | null;
}

/** The collection paths under `apiUrl`. */
export const PATHS = {
  users: "/users",
  teams: "/teams",
  sites: "/sites",
  skills: "/skills",
  queues: "/queues",
  pauseCodes: "/pause-codes",
  dispositionSets: "/disposition-sets",
  cannedMessages: "/canned-messages",
  tags: "/tags",
  integrations: "/integrations",
  settings: "/settings",
} as const;

export type CollectionName = Exclude<keyof typeof PATHS, "settings">;
