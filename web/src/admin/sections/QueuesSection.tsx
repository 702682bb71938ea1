/**
 * Queues: required skill, SLA target, wrap-up and offer timeouts, dispositions on or off and their set, and
 * whether customers may open a chat in it from the public chat page (with the topic's label there).
 */

import { CollectionSection } from "../CollectionSection";
import { useLookup } from "../context";
import { CheckboxField, NumberField, SelectField, TextAreaField, TextField } from "../fields";
import { type QueueDraft, queueForm } from "../forms";
import type { DispositionSet, Queue, Skill } from "../resources";
import { RANGES } from "../validation";
import { nameOf, optionsOf } from "./common";

const seconds = (value: number | null) => (value === null ? "Default" : `${value} s`);

export function QueuesSection() {
  const skills = useLookup<Skill>("skills");
  const dispositionSets = useLookup<DispositionSet>("dispositionSets");
  return (
    <CollectionSection<Queue, QueueDraft>
      collection="queues"
      title="Queues"
      noun="queue"
      intro={<p class="hint">Empty timeouts and no disposition set mean the defaults in Settings.</p>}
      labelOf={(queue) => queue.name}
      columns={[
        { header: "Name", primary: true, cell: (queue) => queue.name },
        { header: "Required skill", cell: (queue) => nameOf(skills, queue.requiredSkillId) },
        { header: "SLA target", cell: (queue) => `${queue.slaTargetSeconds} s` },
        { header: "Wrap-up timeout", cell: (queue) => seconds(queue.wrapUpTimeoutSeconds) },
        { header: "Offer timeout", cell: (queue) => seconds(queue.offerTimeoutSeconds) },
        {
          header: "Disposition set",
          cell: (queue) =>
            queue.dispositionsEnabled === false
              ? "Off"
              : queue.dispositionSetId === null
                ? "Default"
                : nameOf(dispositionSets, queue.dispositionSetId),
        },
        { header: "Web chat", cell: (queue) => (queue.webChat ? (queue.topicLabel ?? queue.name) : "Off") },
      ]}
      spec={queueForm}
      fieldsOf={() => [
        "name",
        "description",
        "requiredSkillId",
        "slaTargetSeconds",
        "wrapUpTimeoutSeconds",
        "offerTimeoutSeconds",
        "dispositionsEnabled",
        "dispositionSetId",
        "webChat",
        "topicLabel",
      ]}
      renderFields={(form) => (
        <>
          <TextField form={form} name="name" label="Name" required />
          <SelectField
            form={form}
            name="requiredSkillId"
            label="Required skill"
            options={optionsOf(skills, "None: any agent")}
            hint="Agents with this skill get the queue's interactions first."
          />
          <TextAreaField form={form} name="description" label="Description" rows={2} />
          <NumberField
            form={form}
            name="slaTargetSeconds"
            label="SLA target (seconds)"
            required
            min={RANGES.slaTargetSeconds.min}
            max={RANGES.slaTargetSeconds.max}
            hint="Answered within this meets the SLA; 1–3600."
          />
          <NumberField
            form={form}
            name="wrapUpTimeoutSeconds"
            label="Wrap-up timeout (seconds)"
            min={RANGES.wrapUpTimeoutSeconds.min}
            max={RANGES.wrapUpTimeoutSeconds.max}
            hint="10–3600; empty: the default."
          />
          <NumberField
            form={form}
            name="offerTimeoutSeconds"
            label="Offer timeout (seconds)"
            min={RANGES.offerTimeoutSeconds.min}
            max={RANGES.offerTimeoutSeconds.max}
            hint="5–600; empty: the default."
          />
          <CheckboxField
            form={form}
            name="dispositionsEnabled"
            label="Agents disposition this queue's interactions"
            hint="Untick for a queue whose interactions end without a disposition."
          />
          {form.draft.dispositionsEnabled && (
            <SelectField
              form={form}
              name="dispositionSetId"
              label="Disposition set"
              options={optionsOf(dispositionSets, "Default disposition set")}
            />
          )}
          <CheckboxField
            form={form}
            name="webChat"
            label="Customers may start a chat here from the chat page"
            hint="The public chat page offers the queue as a topic."
          />
          {form.draft.webChat && (
            <TextField
              form={form}
              name="topicLabel"
              label="Topic on the chat page"
              hint="What customers pick, e.g. “Billing and payments”; empty: the queue's name."
            />
          )}
        </>
      )}
    />
  );
}
