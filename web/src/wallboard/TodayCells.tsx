/**
 * An agent's today on the wallboard roster, from `metrics.today` (metrics/metricsFeed.ts): interactions
 * handled, average handle time and pause time so far (a pause in progress ticks).
 */

import { formatDuration, spokenDuration } from "../agent/duration";
import type { Stamped } from "../metrics/metricsFeed";
import { type AgentToday, liveTimes, serverNow } from "../metrics/metricsToday";

export const TODAY_HEADERS = ["Handled", "Avg handle", "Pause time"] as const;

export interface TodayFigures {
  handled: string;
  avgHandleSeconds: number | null;
  pauseSeconds: number | null;
}

/** What the row shows at `now` (ms, this page's clock); dashes until the figures arrive. */
export function todayFigures(metrics: Stamped<AgentToday> | undefined, now: number): TodayFigures {
  if (metrics === undefined) return { handled: "–", avgHandleSeconds: null, pauseSeconds: null };
  const times = liveTimes(metrics.figures, serverNow(metrics.asOf, metrics.receivedAt, now));
  return {
    handled: String(metrics.figures.interactions),
    avgHandleSeconds: metrics.figures.avgHandleSeconds,
    pauseSeconds: times.pausedProductiveSeconds + times.pausedUnproductiveSeconds,
  };
}

function Duration({ seconds }: { seconds: number | null }) {
  if (seconds === null) return <span class="muted">—</span>;
  return (
    <>
      <span aria-hidden="true">{formatDuration(seconds)}</span>
      <span class="visually-hidden">{spokenDuration(seconds)}</span>
    </>
  );
}

export function TodayCells({ metrics, now }: { metrics: Stamped<AgentToday> | undefined; now: number }) {
  const shown = todayFigures(metrics, now);
  return (
    <>
      <td class="roster__number roster__today-handled">{shown.handled}</td>
      <td class="roster__number roster__today-handle">
        <Duration seconds={shown.avgHandleSeconds} />
      </td>
      <td class="roster__number roster__today-pause">
        <Duration seconds={shown.pauseSeconds} />
      </td>
    </>
  );
}
