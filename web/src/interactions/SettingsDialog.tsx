/**
 * The agent's own settings: answer offers automatically (kept in this browser and sent to the server, which
 * answers; an admin may have decided it for the agent), with a test of the cue.
 */

import { useState } from "preact/hooks";
import { Modal } from "../wallboard/Modal";
import { browserBeep } from "./beep";
import type { AgentSettings } from "./settings";

interface Props {
  settings: AgentSettings;
  /** Why the server refused the choice, if it did. */
  problem: string | null;
  onChange: (settings: AgentSettings) => Promise<void>;
  onClose: () => void;
}

export function SettingsDialog({ settings, problem, onChange, onClose }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Modal id="agent-settings" title="Settings" onClose={onClose}>
      <div class="modal__body">
        <label class="choice">
          <input
            type="checkbox"
            checked={settings.autoAnswer}
            disabled={busy}
            aria-describedby="auto-answer-hint auto-answer-error"
            onChange={(event) => {
              const autoAnswer = (event.target as HTMLInputElement).checked;
              setBusy(true);
              setError(null);
              onChange({ ...settings, autoAnswer })
                .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)))
                .finally(() => setBusy(false));
            }}
          />
          <span class="choice__label">Answer offers automatically</span>
        </label>
        <p id="auto-answer-hint" class="hint">
          A short beep plays as a conversation is answered for you. Your choice is kept in this browser.
        </p>
        <p id="auto-answer-error" class="form__error" role="alert">
          {error ?? problem ?? ""}
        </p>
        <div class="modal__actions">
          <button type="button" class="button" onClick={() => browserBeep()}>
            Play the beep
          </button>
          <button type="button" class="button button--primary" onClick={onClose}>
            Done
          </button>
        </div>
      </div>
    </Modal>
  );
}
