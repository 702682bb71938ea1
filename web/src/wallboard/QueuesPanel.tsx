/**
 * The wallboard's queues: per queue, waiting now, the longest wait (ticking), agents routable, and today's
 * offered, answered, abandoned and service level — from `metrics.today` pushes (metrics/metricsFeed.ts),
 * which the server sends after every counted change; no polling.
 */

import { formatDuration, spokenDuration } from "../agent/duration";
import { useSecondTick } from "../agent/useSecondTick";
import { type MetricsSnapshot, type Stamped, useMetricsToday } from "../metrics/metricsFeed";
import { type QueueToday, liveLongestWait, serverNow } from "../metrics/metricsToday";

/** A queue whose longest wait is past this is highlighted. */
export const LONG_WAIT_SECONDS = 60;

interface TileFigures {
  waiting: number;
  longestWaitSeconds: number;
  agentsRoutable: number;
}

/** Late (someone waited a minute or more) and unstaffed (waiting with nobody routable) stand out. */
export function tileClass(queue: TileFigures): string {
  const late = queue.waiting > 0 && queue.longestWaitSeconds >= LONG_WAIT_SECONDS;
  const unstaffed = queue.waiting > 0 && queue.agentsRoutable === 0;
  return `queue-tile${late ? " queue-tile--late" : ""}${unstaffed ? " queue-tile--unstaffed" : ""}`;
}

/** The queues as shown at `now` (this page's clock): longest waits grown since read, busiest first. */
export function shownQueues(queues: MetricsSnapshot["queues"], now: number): QueueToday[] | null {
  if (queues === null) return null;
  const live = Object.values(queues).map(({ figures, asOf, receivedAt }: Stamped<QueueToday>) => ({
    ...figures,
    longestWaitSeconds: liveLongestWait(figures, asOf, serverNow(asOf, receivedAt, now)),
  }));
  return live.sort(
    (a, b) => b.waiting - a.waiting || b.longestWaitSeconds - a.longestWaitSeconds || a.name.localeCompare(b.name),
  );
}

export function QueuesPanel() {
  const metrics = useMetricsToday();
  const anyWaiting = Object.values(metrics.queues ?? {}).some((q) => q.figures.waiting > 0);
  const now = useSecondTick(anyWaiting);
  const queues = shownQueues(metrics.queues, now);
  const waiting = queues?.reduce((sum, queue) => sum + queue.waiting, 0) ?? null;

  return (
    <section class="card queues" aria-labelledby="queues-title">
      <div class="queues__head">
        <h2 id="queues-title" class="section-title">
          Queues
        </h2>
        <span class="muted">{waiting === null ? "" : `${waiting} waiting`}</span>
      </div>
      {metrics.error && (
        <p class="queues__error" role="alert">
          {metrics.error}
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
        <ul class="queues__list" aria-label="Queues, live">
          {queues.map((queue) => (
            <li key={queue.queueId} data-queue-id={queue.queueId} class={tileClass(queue)}>
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
                <div>
                  <dt>Offered today</dt>
                  <dd>{queue.offered}</dd>
                </div>
                <div>
                  <dt>Answered / abandoned</dt>
                  <dd>{`${queue.answered} / ${queue.abandoned}`}</dd>
                </div>
                <div>
                  <dt>Service level</dt>
                  <dd>{queue.serviceLevel === null ? "—" : `${Math.round(queue.serviceLevel)}%`}</dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
