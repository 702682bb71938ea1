/** Canned messages: a title, a body with contact variables, and the queue it is offered in (or all). */

import { useRef } from "preact/hooks";
import { CollectionSection } from "../CollectionSection";
import { useLookup } from "../context";
import { type FormBinding, SelectField, TextAreaField, TextField } from "../fields";
import { type CannedMessageDraft, cannedMessageForm } from "../forms";
import type { CannedMessage, Queue } from "../resources";
import { MESSAGE_BODY_MAX, TEMPLATE_VARIABLES } from "../validation";
import { nameOf, optionsOf } from "./common";

export function CannedMessagesSection() {
  const queues = useLookup<Queue>("queues");
  return (
    <CollectionSection<CannedMessage, CannedMessageDraft>
      collection="cannedMessages"
      title="Canned messages"
      noun="canned message"
      intro={<p class="hint">Ready answers agents insert in a conversation; variables are filled from the contact.</p>}
      labelOf={(message) => message.title}
      columns={[
        { header: "Title", primary: true, cell: (message) => message.title },
        { header: "Message", cell: (message) => <span class="admin-table__clip">{message.body}</span> },
        {
          header: "Queue",
          cell: (message) => (message.queueId === null ? "All queues" : nameOf(queues, message.queueId)),
        },
      ]}
      spec={cannedMessageForm}
      fieldsOf={() => ["title", "body", "queueId"]}
      renderFields={(form) => <CannedMessageFields form={form} queues={queues} />}
    />
  );
}

function CannedMessageFields({ form, queues }: { form: FormBinding<CannedMessageDraft>; queues: Queue[] | null }) {
  // Where the caret was in the body, so a variable goes in where the admin was typing.
  const caret = useRef<{ start: number; end: number } | null>(null);
  const insert = (variable: string) => {
    const body = form.draft.body;
    const { start, end } = caret.current ?? { start: body.length, end: body.length };
    const token = `{{${variable}}}`;
    form.set("body", body.slice(0, start) + token + body.slice(end));
    const at = start + token.length;
    caret.current = { start: at, end: at };
    requestAnimationFrame(() => {
      const area = document.getElementById(form.idFor("body")) as HTMLTextAreaElement | null;
      area?.focus();
      area?.setSelectionRange(at, at);
    });
  };
  return (
    <>
      <TextField form={form} name="title" label="Title" required />
      <SelectField form={form} name="queueId" label="Queue" options={optionsOf(queues, "All queues")} />
      <TextAreaField
        form={form}
        name="body"
        label="Message"
        required
        rows={5}
        hint={`Up to ${MESSAGE_BODY_MAX} characters. ${form.draft.body.length}/${MESSAGE_BODY_MAX}`}
        onCaret={(area) => {
          caret.current = { start: area.selectionStart, end: area.selectionEnd };
        }}
      />
      {!form.readOnly && (
        <div class="field field--wide">
          <p class="field__label" id={form.idFor("variables")}>
            Insert a variable
          </p>
          <ul class="admin-variables" aria-labelledby={form.idFor("variables")}>
            {TEMPLATE_VARIABLES.map((variable) => (
              <li key={variable}>
                <button type="button" class="button button--small button--mono" onClick={() => insert(variable)}>
                  {`{{${variable}}}`}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
