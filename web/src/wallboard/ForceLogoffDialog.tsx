/** Confirm before logging an agent off (`forceLogoff`). */

import { useState } from "preact/hooks";
import type { AgentState } from "../agent/agentState";
import { Modal } from "./Modal";

interface Props {
  name: string;
  state: AgentState;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}

export function ForceLogoffDialog({ name, state, onConfirm, onClose }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const working = state.activeInteractions > 0 || state.inWrapUp;

  async function confirm(event: Event) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  }

  return (
    <Modal id="force-logoff" title={`Log off ${name}?`} onClose={onClose}>
      <form class="modal__body" onSubmit={confirm}>
        <p>
          {working
            ? `${name} is working on an interaction; the logoff happens after wrap-up, and ${name} cannot cancel it.`
            : `${name}'s session ends now and they stop receiving interactions until they log in again.`}
        </p>
        <p class="form__error" role="alert">
          {error ?? ""}
        </p>
        <div class="modal__actions">
          <button type="button" class="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" class="button button--danger" disabled={busy}>
            {busy ? "Logging off…" : "Log off"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
