/**
 * The running time since the status changed. It ticks every second, so it is a `timer` (not announced);
 * screen readers read it when they reach it, as words.
 */

import { formatDuration, secondsSince, spokenDuration } from "./duration";
import { useSecondTick } from "./useSecondTick";

export function StatusTimer({ since, class: className = "status-timer" }: { since: string; class?: string }) {
  const now = useSecondTick();
  const seconds = secondsSince(since, now);
  return (
    <span class={className} role="timer" title={`Since ${new Date(since).toLocaleTimeString()}`}>
      <span class="timer-value" aria-hidden="true">
        {formatDuration(seconds)}
      </span>
      <span class="visually-hidden">{`for ${spokenDuration(seconds)}`}</span>
    </span>
  );
}
