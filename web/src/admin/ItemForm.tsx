/**
 * Creating or editing one config item: loads it with its ETag, checks the draft before sending, saves with
 * `If-Match`, and explains every refusal — next to the field the API named, or for the whole form. A save
 * refused because someone else changed the item (409) or without a version (428) offers to reload it.
 */

import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { useAdmin } from "./context";
import { type FormBinding, fieldId } from "./fields";
import { type FormMode, type FormSpec, formFieldFor, messageForField } from "./forms";
import { ConfigApiError, type Versioned } from "./http";
import type { FieldErrors } from "./validation";

export interface ItemFormProps<Item, Draft> {
  spec: FormSpec<Item, Draft>;
  /** "queue", "pause code": used in messages. */
  noun: string;
  /** The prefix of the form's DOM ids, unique on the page. */
  formId: string;
  /** The form's heading, once the item (null when creating) is known. */
  title: (item: Item | null) => string;
  /** POST here to create; null to edit `itemPath`. */
  createPath: string | null;
  /** GET and PUT here to edit. */
  itemPath: string | null;
  /** Why this item cannot be changed even by an admin (a system pause code), or null. */
  lockedReason?: (item: Item) => string | null;
  /** The fields the form shows for a draft, so API errors land next to the right one. */
  fieldsOf: (draft: Draft) => string[];
  renderFields: (form: FormBinding<Draft>, mode: FormMode, item: Item | null) => ComponentChildren;
  onSaved: (item: Item, mode: FormMode) => void;
  /** Leave the form; absent for a form that is the whole section (settings). */
  onCancel?: () => void;
  /** Something to show above the fields (the settings' explanation). */
  intro?: ComponentChildren;
}

type Stale = "conflict" | "precondition" | null;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function ItemForm<Item, Draft>(props: ItemFormProps<Item, Draft>) {
  const { spec, noun, formId, itemPath, createPath } = props;
  const { http, canEdit } = useAdmin();
  const mode: FormMode = createPath !== null ? "create" : "edit";
  const [item, setItem] = useState<Item | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(spec.empty);
  const [loading, setLoading] = useState(mode === "edit");
  const [loadError, setLoadError] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [stale, setStale] = useState<Stale>(null);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const focusProblem = useRef(false);

  const locked = item !== null ? (props.lockedReason?.(item) ?? null) : null;
  const readOnly = !canEdit || locked !== null;

  const load = (afterReload: boolean) => {
    if (itemPath === null) return;
    setLoading(true);
    http
      .get<Item>(itemPath)
      .then(({ item: loaded, etag: tag }) => {
        setItem(loaded);
        setEtag(tag);
        setDraft(spec.fromItem(loaded));
        setErrors({});
        setFormError(null);
        setStale(null);
        setLoadError(null);
        if (afterReload) setNotice(`Reloaded: this is the ${noun} as it is saved now. Make your changes again.`);
      })
      .catch((error: unknown) => setLoadError(messageOf(error)))
      .finally(() => setLoading(false));
  };

  useEffect(() => {
    if (mode === "edit") load(false);
    headingRef.current?.focus();
  }, [itemPath]);

  useEffect(() => {
    if (!focusProblem.current) return;
    focusProblem.current = false;
    const target =
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      formRef.current?.querySelector<HTMLElement>(".admin-problem");
    target?.focus();
  });

  const form: FormBinding<Draft> = {
    draft,
    errors,
    readOnly,
    idFor: (field) => fieldId(formId, field),
    set: (key, value) => {
      setDraft((current) => ({ ...current, [key]: value }));
      setNotice(null);
      // A changed field's problem (and those of its parts, such as `skills.0.skillId`) no longer applies.
      const name = String(key);
      const cleared = (field: string) => field === name || field.startsWith(`${name}.`);
      if (Object.keys(errors).some(cleared)) {
        setErrors((current) => Object.fromEntries(Object.entries(current).filter(([field]) => !cleared(field))));
      }
    },
  };

  const save = async (event: Event) => {
    event.preventDefault();
    if (readOnly || saving) return;
    setNotice(null);
    setStale(null);
    const problems = spec.validate(draft, mode);
    const count = Object.keys(problems).length;
    if (count > 0) {
      setErrors(problems);
      setFormError(count === 1 ? "One field needs attention." : `${count} fields need attention.`);
      focusProblem.current = true;
      return;
    }
    setErrors({});
    setFormError(null);
    setSaving(true);
    try {
      const body = spec.toBody(draft, mode);
      let saved: Versioned<Item>;
      if (mode === "create") saved = await http.create<Item>(createPath!, body);
      else saved = await http.replace<Item>(itemPath!, body, etag ?? "");
      setItem(saved.item);
      setEtag(saved.etag);
      setDraft(spec.fromItem(saved.item));
      // A form that stays open after saving (settings) says so; list forms close and the list says it.
      if (!props.onCancel) setNotice(`Saved.`);
      props.onSaved(saved.item, mode);
    } catch (error: unknown) {
      showRefusal(error);
    } finally {
      setSaving(false);
    }
  };

  const showRefusal = (error: unknown) => {
    focusProblem.current = true;
    if (error instanceof ConfigApiError) {
      if (error.isStale) {
        setStale("conflict");
        return;
      }
      if (error.httpStatus === 428) {
        setStale("precondition");
        return;
      }
      const field = formFieldFor(error.field, props.fieldsOf(draft));
      if (field !== null && error.field !== null) {
        setErrors({ [field]: messageForField(error.message, error.field) });
        setFormError("The server refused this; see the field marked below.");
        return;
      }
    }
    setFormError(messageOf(error));
  };

  const title = props.title(item);
  // `__` keeps these apart from field ids, which are `${formId}-<field>` (a field may be called "title").
  const headingId = `${formId}__heading`;

  return (
    <section class="card admin-editor" aria-labelledby={headingId}>
      <div class="admin-editor__head">
        <h2 id={headingId} tabIndex={-1} ref={headingRef}>
          {title}
        </h2>
        {props.onCancel && (
          <button type="button" class="button" onClick={props.onCancel}>
            {readOnly ? "Back to the list" : "Cancel"}
          </button>
        )}
      </div>
      {props.intro}
      {loading && (
        <p class="hint" aria-busy="true">
          Loading…
        </p>
      )}
      {loadError && (
        <div class="banner banner--error" role="alert">
          <p>{loadError}</p>
          <button type="button" class="button" onClick={() => load(false)}>
            Try again
          </button>
        </div>
      )}
      {locked && <p class="notice">{locked}</p>}
      {!loading && !loadError && (
        <form
          ref={formRef}
          class="admin-editor__form"
          noValidate
          onSubmit={save}
          aria-describedby={`${formId}__problems`}
        >
          <div id={`${formId}__problems`} class="admin-editor__messages" role="alert">
            {stale && (
              <div class="banner banner--warning admin-problem" tabIndex={-1}>
                <p>
                  {stale === "conflict"
                    ? `Someone else changed this ${noun} after you opened it, so your changes were not saved. ` +
                      "Reload to see the current version, then make your changes again."
                    : `The server did not receive the version of the ${noun} you edited, so nothing was saved. ` +
                      "Reload it and save again."}
                </p>
                <button type="button" class="button" onClick={() => load(true)}>
                  Reload the {noun}
                </button>
              </div>
            )}
            {formError && (
              <p class="form__error admin-problem" tabIndex={-1}>
                {formError}
              </p>
            )}
          </div>
          {notice && (
            <p class="notice" role="status">
              {notice}
            </p>
          )}
          <div class="admin-editor__fields">{props.renderFields(form, mode, item)}</div>
          {!readOnly && (
            <div class="admin-editor__actions">
              <button type="submit" class="button button--primary" disabled={saving} aria-busy={saving}>
                {saving ? "Saving…" : mode === "create" ? `Create ${noun}` : "Save changes"}
              </button>
              {props.onCancel && (
                <button type="button" class="button" onClick={props.onCancel}>
                  Cancel
                </button>
              )}
            </div>
          )}
        </form>
      )}
    </section>
  );
}
