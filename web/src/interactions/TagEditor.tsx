/** Tags as removable chips, and a field to add one: a predefined tag from the list or a free one. */

import { useState } from "preact/hooks";
import { tagProblem } from "./configData";
import { LIMITS } from "./protocol";

interface Props {
  id: string;
  tags: readonly string[];
  suggestions: readonly string[];
  onAdd: (tag: string) => Promise<unknown> | void;
  onRemove: (tag: string) => Promise<unknown> | void;
  disabled?: boolean;
}

export function TagEditor({ id, tags, suggestions, onAdd, onRemove, disabled = false }: Props) {
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const available = suggestions.filter((tag) => !tags.some((t) => t.toLowerCase() === tag.toLowerCase()));

  async function run(command: () => Promise<unknown> | void, after?: () => void) {
    setBusy(true);
    setError(null);
    try {
      await command();
      after?.();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  function add() {
    const problem = tagProblem(draft, tags);
    if (problem !== null) {
      setError(problem);
      return;
    }
    const tag = draft.trim();
    void run(
      () => onAdd(tag),
      () => setDraft(""),
    );
  }

  return (
    <div class="tag-editor">
      {tags.length > 0 ? (
        <ul class="chips" aria-label="Tags">
          {tags.map((tag) => (
            <li key={tag} class="chip">
              {tag}
              <button
                type="button"
                class="chip__remove"
                aria-label={`Remove tag ${tag}`}
                disabled={disabled || busy}
                onClick={() => run(() => onRemove(tag))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="hint">No tags yet.</p>
      )}
      {/* Not a <form>: the editor also sits inside the disposition form. */}
      <div class="inline-form">
        <label class="visually-hidden" for={`${id}-input`}>
          Add a tag
        </label>
        <input
          id={`${id}-input`}
          class="input"
          list={`${id}-list`}
          value={draft}
          maxLength={LIMITS.tag}
          placeholder="Add a tag"
          autocomplete="off"
          disabled={disabled}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onInput={(event) => setDraft((event.target as HTMLInputElement).value)}
          onKeyDown={(event) => {
            if (event.key === "Enter") {
              event.preventDefault();
              add();
            }
          }}
        />
        <datalist id={`${id}-list`}>
          {available.map((tag) => (
            <option key={tag} value={tag} />
          ))}
        </datalist>
        <button type="button" class="button button--small" disabled={disabled || busy} onClick={add}>
          Add
        </button>
      </div>
      <p id={`${id}-error`} class="field__error" role="alert">
        {error ?? ""}
      </p>
    </div>
  );
}
