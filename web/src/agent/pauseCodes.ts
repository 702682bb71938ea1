/**
 * Pause (aux) codes from the config API, and the choice an agent or a supervisor is offered: the enabled,
 * non-system codes, grouped by the status they put the agent in (Away, then Busy), by label within a group.
 */

export type PauseStatus = "Away" | "Busy";

export const PAUSE_STATUSES: readonly PauseStatus[] = ["Away", "Busy"];

export interface PauseCode {
  id: string;
  label: string;
  status: PauseStatus;
  productive: boolean;
  enabled: boolean;
  /** Set by the product (Wrap-up, Disconnected); never chosen by a person. */
  system: boolean;
}

export interface PauseCodeGroup {
  status: PauseStatus;
  codes: PauseCode[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One item of `GET /pause-codes`; null when it is not a pause code this app can offer or show. */
export function parsePauseCode(value: unknown): PauseCode | null {
  if (!isObject(value)) return null;
  const { id, label, status } = value;
  if (typeof id !== "string" || id === "" || typeof label !== "string") return null;
  if (status !== "Away" && status !== "Busy") return null;
  return {
    id,
    label,
    status,
    productive: value["productive"] === true,
    // A code that does not say is treated as the API's default: enabled, not a system code.
    enabled: value["enabled"] !== false,
    system: value["system"] === true,
  };
}

/** Whether a person may pick this code (agents for themselves, supervisors when forcing a status). */
export function isSelectable(code: PauseCode): boolean {
  return code.enabled && !code.system;
}

const byLabel = new Intl.Collator(undefined, { sensitivity: "base", numeric: true });

/** The selectable codes by status, Away first; a status without codes is left out. */
export function groupPauseCodes(codes: readonly PauseCode[]): PauseCodeGroup[] {
  return PAUSE_STATUSES.map((status) => ({
    status,
    codes: codes
      .filter((code) => code.status === status && isSelectable(code))
      .sort((a, b) => byLabel.compare(a.label, b.label) || a.id.localeCompare(b.id)),
  })).filter((group) => group.codes.length > 0);
}
