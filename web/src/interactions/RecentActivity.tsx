/**
 * Most Recent Activity: date and time, contact with the channel and direction icon, queue, category and
 * outcome, notes and tags; an interaction whose disposition is missing, automatic or incomplete has a
 * "Complete" button that opens the disposition form.
 */

import { ChannelIcon } from "./ChannelIcon";
import { categoryClass, formatWhen } from "./format";
import type { InteractionSummary } from "./protocol";

interface Props {
  rows: InteractionSummary[] | null;
  onComplete: (row: InteractionSummary) => void;
  onRefresh: () => void;
  connected: boolean;
}

export function RecentActivity({ rows, onComplete, onRefresh, connected }: Props) {
  return (
    <section class="recent card table-card" aria-labelledby="recent-title">
      <div class="recent__head">
        <h2 id="recent-title" class="section-title">
          Most recent activity
        </h2>
        <button type="button" class="button button--small" onClick={onRefresh} disabled={!connected}>
          Refresh
        </button>
      </div>
      <div class="recent__scroll">
        <table class="roster recent__table">
          <caption class="visually-hidden">Your recent interactions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Date and time</th>
              <th scope="col">Contact</th>
              <th scope="col">Queue</th>
              <th scope="col">Disposition</th>
              <th scope="col">Notes</th>
              <th scope="col">Tags</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows === null && (
              <tr>
                <td colSpan={7} class="roster__empty" aria-busy="true">
                  Loading…
                </td>
              </tr>
            )}
            {rows !== null && rows.length === 0 && (
              <tr>
                <td colSpan={7} class="roster__empty">
                  No interactions yet today.
                </td>
              </tr>
            )}
            {rows?.map((row) => (
              <tr key={row.interactionId} data-interaction-id={row.interactionId} data-needs-completion={row.needsCompletion}>
                <td class="recent__when">{formatWhen(row.endedAt ?? row.startedAt)}</td>
                <th scope="row" class="recent__contact">
                  <ChannelIcon channel={row.channel} direction={row.direction} />
                  {row.contactName}
                </th>
                <td>{row.queueName || <span class="muted">—</span>}</td>
                <td>
                  {row.disposition ? (
                    <>
                      <span class={categoryClass(row.disposition.category)}>{row.disposition.category}</span>{" "}
                      {row.disposition.outcome}
                      {row.disposition.source === "timeout" && <span class="pending-hint pending-hint--compact">Automatic</span>}
                    </>
                  ) : (
                    <span class="muted">—</span>
                  )}
                </td>
                <td class="recent__notes">{row.notes || <span class="muted">—</span>}</td>
                <td>
                  {row.tags.length === 0 ? (
                    <span class="muted">—</span>
                  ) : (
                    <ul class="chips" aria-label="Tags">
                      {row.tags.map((tag) => (
                        <li key={tag} class="chip">
                          {tag}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td class="roster__actions">
                  {row.needsCompletion && (
                    <button type="button" class="button button--small" onClick={() => onComplete(row)} disabled={!connected}>
                      Complete<span class="visually-hidden">{` the disposition for ${row.contactName}`}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
