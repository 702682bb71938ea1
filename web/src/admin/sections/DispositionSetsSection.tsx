/** Disposition sets: the outcomes an agent picks after choosing Success, Unsure or Fail. */

import { CollectionSection } from "../CollectionSection";
import { type FormBinding, TextField } from "../fields";
import { type DispositionSetDraft, dispositionSetForm } from "../forms";
import { DISPOSITION_CATEGORIES, type DispositionSet } from "../resources";
import { NO_AGENT_SUBMISSION } from "../validation";

export function DispositionSetsSection() {
  return (
    <CollectionSection<DispositionSet, DispositionSetDraft>
      collection="dispositionSets"
      title="Disposition sets"
      noun="disposition set"
      intro={
        <p class="hint">
          After an interaction the agent picks a category, then an outcome of the queue's set. “{NO_AGENT_SUBMISSION}”
          is reserved: the system files it under Unsure when wrap-up times out.
        </p>
      }
      labelOf={(set) => set.name}
      columns={[
        { header: "Name", primary: true, cell: (set) => set.name },
        ...DISPOSITION_CATEGORIES.map((category) => ({
          header: category,
          cell: (set: DispositionSet) => (
            <ul class="admin-tags">
              {set.outcomes[category].map((outcome) => (
                <li key={outcome} class={`admin-tag admin-tag--${category.toLowerCase()}`}>
                  {outcome}
                </li>
              ))}
            </ul>
          ),
        })),
      ]}
      spec={dispositionSetForm}
      fieldsOf={() => ["name", "outcomes", ...DISPOSITION_CATEGORIES.map((category) => `outcomes.${category}`)]}
      renderFields={(form) => (
        <>
          <TextField form={form} name="name" label="Name" required wide />
          <div class="admin-outcomes">
            {DISPOSITION_CATEGORIES.map((category) => (
              <OutcomeField key={category} form={form} category={category} />
            ))}
          </div>
        </>
      )}
    />
  );
}

function OutcomeField({
  form,
  category,
}: {
  form: FormBinding<DispositionSetDraft>;
  category: (typeof DISPOSITION_CATEGORIES)[number];
}) {
  // The three lists live in one draft field; each textarea edits its category's lines.
  const field = `outcomes.${category}`;
  const id = form.idFor(field);
  const error = form.errors[field];
  return (
    <div class={`field admin-outcome admin-outcome--${category.toLowerCase()}`}>
      <label for={id}>
        {category} outcomes
        <span class="field__required" aria-hidden="true">
          {" "}
          (required)
        </span>
      </label>
      <textarea
        id={id}
        rows={6}
        value={form.draft.outcomes[category]}
        readOnly={form.readOnly}
        aria-required="true"
        aria-invalid={error ? "true" : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
        onInput={(event) => form.set("outcomes", { ...form.draft.outcomes, [category]: event.currentTarget.value })}
      />
      <p id={`${id}-hint`} class="field__hint">
        One per line.
      </p>
      {error && (
        <p id={`${id}-error`} class="field__error">
          {error}
        </p>
      )}
    </div>
  );
}
