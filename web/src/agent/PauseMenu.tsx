/**
 * The Pause button and its menu of pause codes, grouped Away / Busy, each marked productive or not.
 * Keyboard: Enter, Space or ArrowDown opens it on the first code (the current one, if any); arrows, Home
 * and End move; Enter picks; Escape closes and returns to the button; Tab leaves and closes it.
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { type PauseCode, type PauseCodeGroup, groupPauseCodes } from "./pauseCodes";
import { ProductiveTag } from "./StatusBadge";

interface Props {
  codes: PauseCode[] | null;
  loadError: string | null;
  onReload: () => void;
  /** The code the agent is paused with now (checked in the menu). */
  currentCode: string | null;
  disabled: boolean;
  onSelect: (code: PauseCode) => void;
}

export function PauseMenu({ codes, loadError, onReload, currentCode, disabled, onSelect }: Props) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const groups: PauseCodeGroup[] = codes ? groupPauseCodes(codes) : [];

  const items = () => [...(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
  const close = (returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    const list = items();
    (list.find((item) => item.getAttribute("aria-checked") === "true") ?? list[0] ?? menuRef.current)?.focus();
    const outside = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menuRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    document.addEventListener("pointerdown", outside);
    return () => document.removeEventListener("pointerdown", outside);
  }, [open, codes === null]);

  useEffect(() => {
    if (disabled) setOpen(false);
  }, [disabled]);

  const onMenuKey = (event: KeyboardEvent) => {
    const list = items();
    const index = list.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => {
      event.preventDefault();
      list[(to + list.length) % list.length]?.focus();
    };
    switch (event.key) {
      case "ArrowDown":
        return list.length && move(index + 1);
      case "ArrowUp":
        return list.length && move(index < 0 ? -1 : index - 1);
      case "Home":
        return list.length && move(0);
      case "End":
        return list.length && move(-1);
      case "Escape":
        event.preventDefault();
        return close(true);
      case "Tab":
        return close(false);
    }
  };

  return (
    <div class="menu-anchor">
      <button
        ref={buttonRef}
        type="button"
        class="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? "pause-menu" : undefined}
        disabled={disabled}
        onClick={() => setOpen((was) => !was)}
        onKeyDown={(event) => {
          if (event.key === "ArrowDown" && !open) {
            event.preventDefault();
            setOpen(true);
          }
        }}
      >
        <PauseIcon />
        Pause
        <span class="button__caret" aria-hidden="true" />
      </button>
      {open && (
        <div
          ref={menuRef}
          id="pause-menu"
          class="menu"
          role="menu"
          aria-label="Pause reasons"
          tabIndex={-1}
          onKeyDown={onMenuKey}
        >
          {codes === null && !loadError && <p class="menu__note">Loading pause codes…</p>}
          {loadError && (
            <div class="menu__note menu__note--error">
              <p>{loadError}</p>
              <button type="button" class="link-button" onClick={onReload}>
                Try again
              </button>
            </div>
          )}
          {codes !== null && groups.length === 0 && <p class="menu__note">No pause codes are available.</p>}
          {groups.map((group) => (
            <div key={group.status} class="menu__group" role="group" aria-labelledby={`pause-group-${group.status}`}>
              <p id={`pause-group-${group.status}`} class="menu__heading">
                <span class={`status-dot status-dot--${group.status.toLowerCase()}`} aria-hidden="true" />
                {group.status}
              </p>
              {group.codes.map((code, index) => (
                <button
                  key={code.id}
                  type="button"
                  class="menu__item"
                  role="menuitemradio"
                  aria-checked={code.id === currentCode}
                  aria-label={code.label}
                  aria-describedby={`pause-tag-${group.status}-${index}`}
                  tabIndex={-1}
                  onClick={() => {
                    close(true);
                    onSelect(code);
                  }}
                >
                  <span class="menu__check" aria-hidden="true">
                    {code.id === currentCode ? "✓" : ""}
                  </span>
                  <span class="menu__label">{code.label}</span>
                  <ProductiveTag productive={code.productive} id={`pause-tag-${group.status}-${index}`} />
                </button>
              ))}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

function PauseIcon() {
  return (
    <svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <rect x="4" y="3" width="2.5" height="10" rx="1" />
      <rect x="9.5" y="3" width="2.5" height="10" rx="1" />
    </svg>
  );
}
