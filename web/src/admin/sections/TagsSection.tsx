/** Tags: the labels agents pick in a conversation, with a colour from the palette (or #rrggbb). */

import { CollectionSection } from "../CollectionSection";
import { CheckboxField, SelectField, TextAreaField, TextField } from "../fields";
import { CUSTOM_COLOR, type TagDraft, tagForm } from "../forms";
import type { Tag } from "../resources";
import { TAG_COLORS, TAG_LABEL_MAX, tagCssColor } from "../validation";
import { NONE, YesNo } from "./common";

const COLOR_OPTIONS = [
  { value: "", label: "None (neutral)" },
  ...TAG_COLORS.map((name) => ({ value: name, label: name.charAt(0).toUpperCase() + name.slice(1) })),
  { value: CUSTOM_COLOR, label: "Custom (#rrggbb)" },
];

/** A tag as agents will see it: its label on its colour. */
export function TagChip({ label, color }: { label: string; color: string | null }) {
  const css = tagCssColor(color);
  return (
    <span class="admin-pill" style={css ? { borderColor: css, color: css } : undefined}>
      {css && (
        <span
          aria-hidden="true"
          style={{
            display: "inline-block",
            width: "0.6em",
            height: "0.6em",
            borderRadius: "50%",
            background: css,
            marginRight: "0.35em",
          }}
        />
      )}
      {label}
    </span>
  );
}

export function TagsSection() {
  return (
    <CollectionSection<Tag, TagDraft>
      collection="tags"
      title="Tags"
      noun="tag"
      intro={
        <p class="hint">
          Labels agents add to a conversation; they show in its history and in reports. Disable a tag to stop
          offering it: past conversations keep it.
        </p>
      }
      labelOf={(tag) => tag.label}
      columns={[
        { header: "Label", primary: true, cell: (tag) => <TagChip label={tag.label} color={tag.color} /> },
        { header: "Colour", cell: (tag) => tag.color ?? NONE },
        { header: "Description", cell: (tag) => tag.description || NONE },
        { header: "Enabled", cell: (tag) => <YesNo value={tag.enabled} /> },
      ]}
      spec={tagForm}
      fieldsOf={(draft) => [
        "label",
        "color",
        ...(draft.color === CUSTOM_COLOR ? ["customColor"] : []),
        "description",
        "enabled",
      ]}
      renderFields={(form) => (
        <>
          <TextField form={form} name="label" label="Label" required hint={`Up to ${TAG_LABEL_MAX} characters.`} />
          <SelectField form={form} name="color" label="Colour" options={COLOR_OPTIONS} />
          {form.draft.color === CUSTOM_COLOR && (
            <TextField form={form} name="customColor" label="Custom colour" required hint="Such as #1f6feb." />
          )}
          <div class="field">
            <p class="field__label">Preview</p>
            <TagChip
              label={form.draft.label.trim() || "Tag"}
              color={form.draft.color === CUSTOM_COLOR ? form.draft.customColor.trim() : form.draft.color}
            />
          </div>
          <TextAreaField form={form} name="description" label="Description" rows={2} />
          <CheckboxField form={form} name="enabled" label="Enabled" hint="Only enabled tags are offered to agents." />
        </>
      )}
    />
  );
}
