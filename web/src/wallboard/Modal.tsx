/**
 * A modal dialog on the native <dialog>: the browser traps focus inside it, makes the rest inert and
 * closes it on Escape. Focus returns to what had it before (the row's button).
 */

import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

interface Props {
  title: string;
  /** The dialog's id prefix; the title and description ids derive from it. */
  id: string;
  onClose: () => void;
  children: ComponentChildren;
}

export function Modal({ title, id, onClose, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class="modal"
      aria-labelledby={`${id}-title`}
      onCancel={(event) => {
        event.preventDefault(); // the owner decides; it unmounts the dialog
        onClose();
      }}
    >
      <h2 id={`${id}-title`} class="modal__title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}
