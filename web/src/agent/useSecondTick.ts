/**
 * The current time, re-rendered once a second for running timers. Every timer on the page shares one
 * interval, so a wallboard of many rows ticks together and costs one timer.
 */

import { useEffect, useState } from "preact/hooks";

const listeners = new Set<(now: number) => void>();
let interval: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: (now: number) => void): () => void {
  listeners.add(listener);
  if (interval === null) {
    interval = setInterval(() => {
      const now = Date.now();
      for (const each of [...listeners]) each(now);
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && interval !== null) {
      clearInterval(interval);
      interval = null;
    }
  };
}

/** Date.now(), updated every second while `active`. */
export function useSecondTick(active = true): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    return subscribe(setNow);
  }, [active]);
  return now;
}
