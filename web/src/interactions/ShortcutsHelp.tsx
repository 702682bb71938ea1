/** The list of keyboard shortcuts ("?" opens and closes it). */

import { Modal } from "../wallboard/Modal";
import { SHORTCUTS } from "./shortcuts";

export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  return (
    <Modal id="shortcuts" title="Keyboard shortcuts" onClose={onClose}>
      <div class="modal__body">
        <dl class="shortcuts">
          {SHORTCUTS.map((shortcut) => (
            <div key={shortcut.command} class="shortcuts__row">
              <dt>
                <kbd>{shortcut.keys}</kbd>
              </dt>
              <dd>{shortcut.description}</dd>
            </div>
          ))}
        </dl>
        <p class="hint">On a Mac, Alt is the Option key.</p>
        <div class="modal__actions">
          <button type="button" class="button button--primary" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </Modal>
  );
}
