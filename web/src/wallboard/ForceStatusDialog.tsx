/** Force an agent's status: Available or a pause code (grouped Away / Busy), sent as `forceStatus`. */

import { useState } from "preact/hooks";
import { type AgentState, describeStatus } from "../agent/agentState";
import { type PauseCode, groupPauseCodes } from "../agent/pauseCodes";
import { ProductiveTag, StatusBadge } from "../agent/StatusBadge";
import { Modal } from "./Modal";

const AVAILABLE = "__available__";

interface Props {
  name: string;
  state: AgentState;
  codes: PauseCode[] | null;
  codesError: string | null;
  onSubmit: (choice: { status: "Available" } | { status: PauseCode["status"]; reason: string }) => Promise<void>;
  onClose: () => void;
}

export function ForceStatusDialog({ name, state, codes, codesError, onSubmit, onClose }: Props) {
  const [choice, setChoice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const groups = codes ? groupPauseCodes(codes) : [];

  async function submit(event: Event) {
    event.preventDefault();
    if (choice === null || busy) return;
    const code = codes?.find((c) => c.id === choice);
    setBusy(true);
    setError(null);
    try {
      await onSubmit(
        choice === AVAILABLE || code === undefined ? { status: "Available" } : { status: code.status, reason: code.id },
      );
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  }

  return (
    <Modal id="force-status" title={`Force status: ${name}`} onClose={onClose}>
      <form class="modal__body" onSubmit={submit}>
        <p class="modal__current">
          Now <StatusBadge status={state.status} />
          {state.reason && <span class="reason__label">{state.reason.label}</span>}
        </p>
        <fieldset class="choice-list">
          <legend class="visually-hidden">New status</legend>
          <label class="choice">
            <input
              type="radio"
              name="force-status"
              value={AVAILABLE}
              checked={choice === AVAILABLE}
              onChange={() => setChoice(AVAILABLE)}
            />
            <span class="choice__label">Available</span>
          </label>
          {groups.map((group) => (
            <div key={group.status} class="choice-group" role="group" aria-labelledby={`force-group-${group.status}`}>
              <p id={`force-group-${group.status}`} class="choice-group__heading">
                <span class={`status-dot status-dot--${group.status.toLowerCase()}`} aria-hidden="true" />
                {group.status}
              </p>
              {group.codes.map((code) => (
                <label key={code.id} class="choice">
                  <input
                    type="radio"
                    name="force-status"
                    value={code.id}
                    checked={choice === code.id}
                    onChange={() => setChoice(code.id)}
                  />
                  <span class="choice__label">
                    {code.label}
                    {code.id === state.reason?.code && <span class="choice__current"> (current)</span>}
                  </span>
                  <ProductiveTag productive={code.productive} />
                </label>
              ))}
            </div>
          ))}
          {codes === null && !codesError && <p class="hint">Loading pause codes…</p>}
          {codesError && <p class="hint">Pause codes could not be loaded: {codesError}</p>}
        </fieldset>
        {state.activeInteractions > 0 || state.inWrapUp ? (
          <p class="hint">
            {name} is on an interaction: a pause or Available applies after wrap-up (now{" "}
            {describeStatus(state.status, state.reason)}).
          </p>
        ) : null}
        <p class="form__error" role="alert">
          {error ?? ""}
        </p>
        <div class="modal__actions">
          <button type="button" class="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" class="button button--primary" disabled={choice === null || busy}>
            {busy ? "Setting…" : "Set status"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
