/**
 * The disposition form: a visible countdown to the wrap-up deadline, category (Success / Unsure / Fail),
 * then an outcome of that category from the queue's disposition set, notes and tags prefilled from the
 * interaction. Used in wrap-up and to complete an automatic or incomplete disposition later.
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { formatDuration, spokenDuration } from "../agent/duration";
import { useSecondTick } from "../agent/useSecondTick";
import type { ConfigApiClient } from "../api/configApi";
import { choosableOutcomes, outcomesFor, prefillDisposition } from "./configData";
import { CATEGORIES, type Category, type InteractionView, LIMITS, type OutcomesByCategory } from "./protocol";
import { secondsLeft } from "./store";
import { TagEditor } from "./TagEditor";

export interface DispositionValues {
  category: Category;
  outcome: string;
  notes: string;
  tags: string[];
}

interface Props {
  interaction: InteractionView;
  client: ConfigApiClient | null;
  suggestions: readonly string[];
  onSubmit: (values: DispositionValues) => Promise<unknown>;
  onCancel?: () => void;
  /** Changes when the shortcut asks for the form: the first field takes the focus. */
  focusSignal?: number;
}

/** What a screen reader hears about the time left, once per threshold (not every second). */
export function deadlineAnnouncement(left: number | null): string {
  if (left === null) return "";
  if (left === 0) return "Wrap-up time is up.";
  if (left <= 10) return "Less than 10 seconds left to submit the disposition.";
  if (left <= 30) return "Less than 30 seconds left to submit the disposition.";
  return "";
}

export function DispositionForm({ interaction, client, suggestions, onSubmit, onCancel, focusSignal }: Props) {
  const initial = prefillDisposition(interaction);
  const [category, setCategory] = useState<Category | null>(initial.category);
  const [outcome, setOutcome] = useState(initial.outcome);
  const [notes, setNotes] = useState(initial.notes);
  const [tags, setTags] = useState<string[]>(initial.tags);
  const [outcomes, setOutcomes] = useState<OutcomesByCategory | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const id = `disposition-${interaction.interactionId}`;
  const deadline = interaction.status === "wrap_up" ? interaction.wrapUpDeadline : null;
  const now = useSecondTick(deadline !== null);
  const left = secondsLeft(deadline, now);

  useEffect(() => {
    if (client === null) return;
    let cancelled = false;
    outcomesFor(client, interaction)
      .then((loaded) => !cancelled && (setOutcomes(loaded), setLoadError(null)))
      .catch((failure: unknown) => !cancelled && setLoadError(failure instanceof Error ? failure.message : String(failure)));
    return () => {
      cancelled = true;
    };
  }, [client, interaction.interactionId, interaction.dispositionSetId]);

  useEffect(() => {
    if (focusSignal) first.current?.focus();
  }, [focusSignal]);

  const choices = category && outcomes ? choosableOutcomes(outcomes, category) : [];

  async function submit(event: Event) {
    event.preventDefault();
    if (category === null) return setError("Choose a category.");
    if (outcome === "") return setError("Choose an outcome.");
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ category, outcome, notes, tags });
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  }

  return (
    <form class="disposition" aria-labelledby={`${id}-title`} onSubmit={submit}>
      <div class="disposition__head">
        <h3 id={`${id}-title`} class="disposition__title">
          Disposition
        </h3>
        {left !== null && (
          <span class={`disposition__countdown${left <= 30 ? " disposition__countdown--soon" : ""}`} role="timer">
            <span aria-hidden="true">{formatDuration(left)}</span>
            <span class="visually-hidden">{`${spokenDuration(left)} left`}</span>
          </span>
        )}
      </div>
      <p class="visually-hidden" role="status">
        {deadlineAnnouncement(left)}
      </p>
      {interaction.disposition && !interaction.disposition.complete && (
        <p class="hint">
          Recorded automatically as “{interaction.disposition.category} – {interaction.disposition.outcome}”. Choose the
          real outcome to complete it.
        </p>
      )}
      <fieldset class="disposition__categories">
        <legend>Category</legend>
        {CATEGORIES.map((each, index) => (
          <label key={each} class={`segmented segmented--${each.toLowerCase()}`}>
            <input
              ref={index === 0 ? first : undefined}
              type="radio"
              name={`${id}-category`}
              value={each}
              checked={category === each}
              onChange={() => {
                setCategory(each);
                setOutcome("");
              }}
            />
            <span>{each}</span>
          </label>
        ))}
      </fieldset>
      <div class="field">
        <label for={`${id}-outcome`}>Outcome</label>
        <select
          id={`${id}-outcome`}
          class="input"
          value={outcome}
          disabled={category === null || outcomes === null}
          onChange={(event) => setOutcome((event.target as HTMLSelectElement).value)}
        >
          <option value="">{category === null ? "Choose a category first" : outcomes === null ? "Loading…" : "Choose…"}</option>
          {choices.map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
        {loadError && <p class="field__error">{`The outcomes could not be loaded: ${loadError}`}</p>}
      </div>
      <div class="field">
        <label for={`${id}-notes`}>Notes</label>
        <textarea
          id={`${id}-notes`}
          class="input"
          rows={3}
          maxLength={LIMITS.note}
          value={notes}
          onInput={(event) => setNotes((event.target as HTMLTextAreaElement).value)}
        />
      </div>
      <div class="field">
        <span class="field__label" id={`${id}-tags-label`}>
          Tags
        </span>
        <div role="group" aria-labelledby={`${id}-tags-label`}>
          <TagEditor
            id={`${id}-tags`}
            tags={tags}
            suggestions={suggestions}
            onAdd={(tag) => setTags((current) => [...current, tag])}
            onRemove={(tag) => setTags((current) => current.filter((t) => t !== tag))}
          />
        </div>
      </div>
      <p class="form__error" role="alert">
        {error ?? ""}
      </p>
      <div class="modal__actions">
        {onCancel && (
          <button type="button" class="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        )}
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? "Submitting…" : "Submit disposition"}
        </button>
      </div>
    </form>
  );
}
