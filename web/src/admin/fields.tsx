/**
 * Form fields of the admin console: a label, the control, an optional hint and the field's error, tied
 * together with `aria-describedby` and `aria-invalid`. Fields are bound to one key of a form's draft.
 */

import type { ComponentChildren } from "preact";

/** What a field needs from its form: the draft, the problems by field, a setter and a stable id prefix. */
export interface FormBinding<Draft> {
  draft: Draft;
  errors: Record<string, string>;
  set: <K extends keyof Draft>(key: K, value: Draft[K]) => void;
  /** The DOM id of a field's control (`skills.0.skillId` → `queue-form-skills-0-skillId`). */
  idFor: (field: string) => string;
  readOnly: boolean;
}

type KeysOf<Draft, Value> = { [K in keyof Draft]: Draft[K] extends Value ? K : never }[keyof Draft] & string;

export function fieldId(prefix: string, field: string): string {
  return `${prefix}-${field.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

/** The ids a control's `aria-describedby` names: its hint and its error, when shown. */
export function describedBy(id: string, hint: boolean, error: boolean): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter((value) => value !== null);
  return ids.length > 0 ? ids.join(" ") : undefined;
}

export function FieldShell({
  id,
  label,
  hint,
  error,
  required = false,
  children,
  wide = false,
}: {
  id: string;
  label: string;
  hint?: ComponentChildren;
  error?: string | undefined;
  required?: boolean;
  children: ComponentChildren;
  wide?: boolean;
}) {
  return (
    <div class={wide ? "field field--wide" : "field"}>
      <label for={id}>
        {label}
        {required && (
          <span class="field__required" aria-hidden="true">
            {" "}
            (required)
          </span>
        )}
      </label>
      {children}
      {hint && (
        <p id={`${id}-hint`} class="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} class="field__error">
          {error}
        </p>
      )}
    </div>
  );
}

interface BaseProps<Draft, Value> {
  form: FormBinding<Draft>;
  name: KeysOf<Draft, Value>;
  label: string;
  hint?: ComponentChildren;
  required?: boolean;
  wide?: boolean;
  disabled?: boolean;
}

function controlProps<Draft>(form: FormBinding<Draft>, name: string, hint: boolean, required: boolean) {
  const id = form.idFor(name);
  const error = form.errors[name];
  return {
    id,
    name,
    "aria-invalid": error ? ("true" as const) : undefined,
    "aria-describedby": describedBy(id, hint, error !== undefined),
    "aria-required": required ? ("true" as const) : undefined,
  };
}

export function TextField<Draft>({
  form,
  name,
  label,
  hint,
  required = false,
  wide = false,
  disabled = false,
  type = "text",
  autoComplete = "off",
  maxLength,
}: BaseProps<Draft, string> & { type?: "text" | "email" | "password"; autoComplete?: string; maxLength?: number }) {
  const props = controlProps(form, name, hint !== undefined, required);
  return (
    <FieldShell id={props.id} label={label} hint={hint} error={form.errors[name]} required={required} wide={wide}>
      <input
        {...props}
        // Preact types each input `type` separately; these three share every attribute used here.
        type={type as "text"}
        autoComplete={autoComplete}
        spellcheck={false}
        maxLength={maxLength}
        value={form.draft[name] as string}
        readOnly={form.readOnly}
        disabled={disabled}
        onInput={(event) => form.set(name, event.currentTarget.value as Draft[typeof name])}
      />
    </FieldShell>
  );
}

export function NumberField<Draft>({
  form,
  name,
  label,
  hint,
  required = false,
  min,
  max,
}: BaseProps<Draft, string> & { min: number; max: number }) {
  const props = controlProps(form, name, hint !== undefined, required);
  return (
    <FieldShell id={props.id} label={label} hint={hint} error={form.errors[name]} required={required}>
      <input
        {...props}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        class="field__number"
        value={form.draft[name] as string}
        readOnly={form.readOnly}
        onInput={(event) => form.set(name, event.currentTarget.value as Draft[typeof name])}
      />
    </FieldShell>
  );
}

export function TextAreaField<Draft>({
  form,
  name,
  label,
  hint,
  required = false,
  rows = 4,
  wide = true,
  onCaret,
}: BaseProps<Draft, string> & { rows?: number; onCaret?: (element: HTMLTextAreaElement) => void }) {
  const props = controlProps(form, name, hint !== undefined, required);
  return (
    <FieldShell id={props.id} label={label} hint={hint} error={form.errors[name]} required={required} wide={wide}>
      <textarea
        {...props}
        rows={rows}
        value={form.draft[name] as string}
        readOnly={form.readOnly}
        onInput={(event) => form.set(name, event.currentTarget.value as Draft[typeof name])}
        onSelect={(event) => onCaret?.(event.currentTarget)}
        onKeyUp={(event) => onCaret?.(event.currentTarget)}
        onClick={(event) => onCaret?.(event.currentTarget)}
      />
    </FieldShell>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField<Draft>({
  form,
  name,
  label,
  hint,
  required = false,
  options,
}: BaseProps<Draft, string> & { options: readonly Option[] }) {
  const props = controlProps(form, name, hint !== undefined, required);
  const value = form.draft[name] as string;
  // A stored value the options do not know (a deleted queue, an unusual zone) stays visible rather than lost.
  const shown = options.some((option) => option.value === value) ? options : [...options, { value, label: value }];
  return (
    <FieldShell id={props.id} label={label} hint={hint} error={form.errors[name]} required={required}>
      <select
        {...props}
        value={value}
        disabled={form.readOnly}
        onChange={(event) => form.set(name, event.currentTarget.value as Draft[typeof name])}
      >
        {shown.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

export function CheckboxField<Draft>({ form, name, label, hint }: BaseProps<Draft, boolean>) {
  const id = form.idFor(name);
  const error = form.errors[name];
  return (
    <div class="field field--check">
      <label for={id} class="admin-check">
        <input
          id={id}
          name={name}
          type="checkbox"
          checked={form.draft[name] as boolean}
          disabled={form.readOnly}
          aria-describedby={describedBy(id, hint !== undefined, error !== undefined)}
          onChange={(event) => form.set(name, event.currentTarget.checked as Draft[typeof name])}
        />
        <span>{label}</span>
      </label>
      {hint && (
        <p id={`${id}-hint`} class="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} class="field__error">
          {error}
        </p>
      )}
    </div>
  );
}

/** A group of radio buttons (a `fieldset` with a legend) for a small closed set such as Away/Busy. */
export function RadioField<Draft>({
  form,
  name,
  label,
  options,
  hint,
}: BaseProps<Draft, string> & { options: readonly Option[] }) {
  const id = form.idFor(name);
  const error = form.errors[name];
  return (
    <fieldset
      class="field field--radios"
      aria-describedby={describedBy(id, hint !== undefined, error !== undefined)}
      id={id}
    >
      <legend>{label}</legend>
      <div class="admin-radios">
        {options.map((option) => (
          <label key={option.value} class="admin-check">
            <input
              type="radio"
              name={`${id}-radio`}
              value={option.value}
              checked={form.draft[name] === option.value}
              disabled={form.readOnly}
              onChange={() => form.set(name, option.value as Draft[typeof name])}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
      {hint && (
        <p id={`${id}-hint`} class="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} class="field__error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
