/**
 * Today's performance between conversations: interactions, successful, unsure, failed, handle time, pause
 * time (productive and unproductive) and time logged in.
 *
 * One source per figure, never two numbers for one thing: the interaction counts and handle time are the
 * counters the server writes in the disposition's own transaction (`today`, read with the recent listing
 * after each disposition: exact at once); the times are `metrics.today` (the reporting aggregator's sums,
 * which alone keep them) plus the status the agent is in now, ticking each second.
 */

import { formatDuration, spokenDuration } from "../agent/duration";
import { useSecondTick } from "../agent/useSecondTick";
import { type Stamped, useMetricsToday, useOwnUserId } from "../metrics/metricsFeed";
import { type AgentToday, liveTimes, serverNow } from "../metrics/metricsToday";
import type { TodayPerformance } from "./protocol";

export interface PerformanceItem {
  key: string;
  label: string;
  value: string;
  spoken?: string;
}

function duration(key: string, label: string, seconds: number | null): PerformanceItem {
  return seconds === null
    ? { key, label, value: "–" }
    : { key, label, value: formatDuration(seconds), spoken: spokenDuration(seconds) };
}

/** What the toolbar shows at `now` (ms, this page's clock). */
export function performanceItems(
  today: TodayPerformance | null,
  metrics: Stamped<AgentToday> | null,
  now: number,
): PerformanceItem[] {
  const times = metrics ? liveTimes(metrics.figures, serverNow(metrics.asOf, metrics.receivedAt, now)) : null;
  return [
    { key: "interactions", label: "Interactions", value: today ? String(today.interactions) : "–" },
    { key: "successful", label: "Successful", value: today ? String(today.successful) : "–" },
    { key: "unsure", label: "Unsure", value: today ? String(today.unsure) : "–" },
    { key: "failed", label: "Failed contacts", value: today ? String(today.failed) : "–" },
    duration("handle", "Handle time", today ? today.handleSeconds : null),
    duration("pause-productive", "Productive pause", times ? times.pausedProductiveSeconds : null),
    duration("pause-unproductive", "Unproductive pause", times ? times.pausedUnproductiveSeconds : null),
    duration("logged-in", "Logged in", times ? times.loggedInSeconds : null),
  ];
}

export function PerformanceToolbar({ today }: { today: TodayPerformance | null }) {
  const metrics = useMetricsToday();
  const userId = useOwnUserId();
  const mine = userId !== null ? (metrics.agents?.[userId] ?? null) : null;
  const now = useSecondTick(mine?.figures.open != null);
  const items = performanceItems(today, mine, now);
  return (
    <section class="performance" aria-labelledby="performance-title">
      <h2 id="performance-title" class="visually-hidden">
        Today's performance
      </h2>
      <dl class="performance__list">
        {items.map((item) => (
          <div key={item.key} class={`performance__item performance__item--${item.key}`}>
            <dt>{item.label}</dt>
            <dd>
              <span aria-hidden={item.spoken ? "true" : undefined}>{item.value}</span>
              {item.spoken && <span class="visually-hidden">{item.spoken}</span>}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
