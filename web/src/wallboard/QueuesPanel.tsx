/** The wallboard's queues: waiting, longest wait and agents routable per queue, polled every few seconds. */

import { useEffect, useMemo, useState } from "preact/hooks";
import { formatDuration, spokenDuration } from "../agent/duration";
import { type QueueStat, interactionConnection } from "../interactions/protocol";
import { useConnection } from "../ui/connectionContext";
import { QueueStatsFeed, type QueueStatsSnapshot } from "./queueStatsFeed";

/** A queue whose longest wait is past this is highlighted. */
export const LONG_WAIT_SECONDS = 60;

/** Late (someone waited a minute or more) and unstaffed (waiting with nobody routable) stand out. */
export function tileClass(queue: QueueStat): string {
  const late = queue.waiting > 0 && queue.longestWaitSeconds >= LONG_WAIT_SECONDS;
  const unstaffed = queue.waiting > 0 && queue.agentsRoutable === 0;
  return `queue-tile${late ? " queue-tile--late" : ""}${unstaffed ? " queue-tile--unstaffed" : ""}`;
}

export function QueuesPanel() {
  const connection = useConnection();
  const [snapshot, setSnapshot] = useState<QueueStatsSnapshot>({ queues: null, updatedAt: null, error: null });
  const feed = useMemo(() => new QueueStatsFeed(interactionConnection(connection), setSnapshot), [connection]);
  useEffect(() => {
    feed.start();
    return () => feed.stop();
  }, [feed]);
  const queues = snapshot.queues;
  const waiting = queues?.reduce((sum, queue) => sum + queue.waiting, 0) ?? null;

  return (
    <section class="card queues" aria-labelledby="queues-title">
      <div class="queues__head">
        <h2 id="queues-title" class="section-title">
          Queues
        </h2>
        <span class="muted">{waiting === null ? "" : `${waiting} waiting`}</span>
      </div>
      {snapshot.error && (
        <p class="queues__error" role="alert">
          {snapshot.error}
        </p>
      )}
      {/* A list of tiles, not a second table: the page's one table is the agent roster. */}
      {queues === null && (
        <p class="roster__empty" aria-busy="true">
          Loading queues…
        </p>
      )}
      {queues !== null && queues.length === 0 && <p class="roster__empty">No queues.</p>}
      {queues !== null && queues.length > 0 && (
        <ul class="queues__list" aria-label="Queues, refreshed every few seconds">
          {queues.map((queue) => (
            <li
              key={queue.queueId}
              data-queue-id={queue.queueId}
              class={tileClass(queue)}
            >
              <h3 class="queue-tile__name">{queue.name}</h3>
              <dl class="queue-tile__figures">
                <div>
                  <dt>Waiting</dt>
                  <dd>{queue.waiting}</dd>
                </div>
                <div>
                  <dt>Longest wait</dt>
                  <dd>
                    {queue.waiting === 0 ? (
                      "—"
                    ) : (
                      <>
                        <span aria-hidden="true">{formatDuration(queue.longestWaitSeconds)}</span>
                        <span class="visually-hidden">{spokenDuration(queue.longestWaitSeconds)}</span>
                      </>
                    )}
                  </dd>
                </div>
                <div>
                  <dt>Agents routable</dt>
                  <dd>{queue.agentsRoutable}</dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
