/** When to try again after a lost connection: exponential backoff with jitter, capped. */

export interface BackoffPolicy {
  /** Delay before the first retry, before jitter. */
  initialMs: number;
  /** No retry waits longer than this. */
  maxMs: number;
  /** A connection that stayed open this long counts as stable: the next loss starts again from `initialMs`. */
  stableAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, stableAfterMs: 10_000 };

/**
 * Delay before retry number `attempt` (0 for the first retry).
 *
 * The ceiling doubles from `initialMs` up to `maxMs`; the delay is drawn uniformly from the upper half of
 * it ("equal jitter"), so thousands of agents that lost the same gateway do not return in lockstep, and no
 * retry comes sooner than half the ceiling.
 */
export function backoffDelay(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
