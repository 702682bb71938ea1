/** The customer of the conversation shown: contact details and that contact's past interactions. */

import { ChannelIcon } from "./ChannelIcon";
import { categoryClass, formatWhen } from "./format";
import type { Conversation } from "./store";

export function CustomerInfo({ conversation }: { conversation: Conversation }) {
  const { contact, queueName, subject, times } = conversation.interaction;
  const history = (conversation.contactHistory ?? []).filter(
    (row) => row.interactionId !== conversation.interaction.interactionId,
  );
  return (
    <aside class="customer card" aria-labelledby="customer-title">
      <h2 id="customer-title" class="section-title">
        Customer
      </h2>
      <dl class="customer__details">
        <div>
          <dt>Name</dt>
          <dd>{contact.name}</dd>
        </div>
        <div>
          <dt>Email</dt>
          <dd>{contact.email ? <a href={`mailto:${contact.email}`}>{contact.email}</a> : <span class="muted">—</span>}</dd>
        </div>
        {contact.phone && (
          <div>
            <dt>Phone</dt>
            <dd>{contact.phone}</dd>
          </div>
        )}
        <div>
          <dt>Queue</dt>
          <dd>{queueName}</dd>
        </div>
        {subject && (
          <div>
            <dt>Subject</dt>
            <dd>{subject}</dd>
          </div>
        )}
        <div>
          <dt>Waiting since</dt>
          <dd>{formatWhen(times.queuedAt)}</dd>
        </div>
      </dl>
      <h3 class="customer__history-title">Past interactions</h3>
      {conversation.contactHistory === null ? (
        <p class="hint">{conversation.loaded ? "No history available." : "Loading…"}</p>
      ) : history.length === 0 ? (
        <p class="hint">First contact.</p>
      ) : (
        <ul class="customer__history">
          {history.map((row) => (
            <li key={row.interactionId}>
              <ChannelIcon channel={row.channel} direction={row.direction} />
              <span class="customer__history-when">{formatWhen(row.startedAt)}</span>
              <span>{row.queueName}</span>
              {row.disposition && (
                <span>
                  <span class={categoryClass(row.disposition.category)}>{row.disposition.category}</span>{" "}
                  {row.disposition.outcome}
                </span>
              )}
              {row.notes && <span class="customer__history-notes">{row.notes}</span>}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
