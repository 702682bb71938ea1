/**
 * "Delete X?" in a modal `<dialog>` (focus stays inside, Escape cancels). A refusal — the item is still in
 * use, or changed meanwhile — is shown in the dialog with the API's reason.
 */

import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

export function ConfirmDelete({
  title,
  children,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ComponentChildren;
  /** Resolves when deleted; rejects with the reason it was refused. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    // The safe choice has the focus first.
    cancelRef.current?.focus();
    return () => {
      dialog?.close();
      // The dialog leaves the page with this component, so the browser cannot hand the focus back itself.
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const confirm = () => {
    setBusy(true);
    setRefusal(null);
    onConfirm()
      .catch((error: unknown) => setRefusal(error instanceof Error ? error.message : String(error)))
      .finally(() => setBusy(false));
  };

  return (
    <dialog
      ref={dialogRef}
      class="admin-dialog"
      aria-labelledby="confirm-delete-title"
      aria-describedby="confirm-delete-body"
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
    >
      <h2 id="confirm-delete-title">{title}</h2>
      <div id="confirm-delete-body">{children}</div>
      {refusal && (
        <p class="form__error" role="alert">
          {refusal}
        </p>
      )}
      <div class="admin-dialog__actions">
        <button type="button" class="button" ref={cancelRef} onClick={onClose} disabled={busy}>
          {refusal ? "Close" : "Cancel"}
        </button>
        {!refusal && (
          <button type="button" class="button button--danger" onClick={confirm} disabled={busy} aria-busy={busy}>
            {busy ? "Deleting…" : "Delete"}
          </button>
        )}
      </div>
    </dialog>
  );
}
