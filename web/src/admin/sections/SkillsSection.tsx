/** Skills: what routing matches between a queue's required skill and an agent's proficiency. */

import { CollectionSection } from "../CollectionSection";
import { TextAreaField, TextField } from "../fields";
import { type SkillDraft, skillForm } from "../forms";
import type { Skill } from "../resources";
import { NONE } from "./common";

export function SkillsSection() {
  return (
    <CollectionSection<Skill, SkillDraft>
      collection="skills"
      title="Skills"
      noun="skill"
      intro={
        <p class="hint">
          Queues can require a skill; agents with it get those interactions first, higher proficiency first.
        </p>
      }
      labelOf={(skill) => skill.name}
      columns={[
        { header: "Name", primary: true, cell: (skill) => skill.name },
        { header: "Description", cell: (skill) => skill.description || NONE },
      ]}
      spec={skillForm}
      fieldsOf={() => ["name", "description"]}
      renderFields={(form) => (
        <>
          <TextField form={form} name="name" label="Name" required />
          <TextAreaField form={form} name="description" label="Description" rows={2} />
        </>
      )}
    />
  );
}
