/** Time in a status: the running timer beside the status (mm:ss, then h:mm:ss from one hour on). */

/** Whole seconds from `sinceIso` to `nowMs`; 0 for a future time (clocks disagree) or one that cannot be read. */
export function secondsSince(sinceIso: string, nowMs: number): number {
  const since = Date.parse(sinceIso);
  if (Number.isNaN(since)) return 0;
  return Math.max(0, Math.floor((nowMs - since) / 1000));
}

const two = (n: number) => String(n).padStart(2, "0");

/** 0 → "00:00", 75 → "01:15", 3600 → "1:00:00", 90061 → "25:01:01". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Number.isFinite(totalSeconds) ? Math.max(0, Math.floor(totalSeconds)) : 0;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  return hours > 0 ? `${hours}:${two(minutes)}:${two(rest)}` : `${two(minutes)}:${two(rest)}`;
}

/** The same duration for screen readers: "1 hour 2 minutes", "45 seconds". */
export function spokenDuration(totalSeconds: number): string {
  const seconds = Number.isFinite(totalSeconds) ? Math.max(0, Math.floor(totalSeconds)) : 0;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (hours > 0) return minutes > 0 ? `${unit(hours, "hour")} ${unit(minutes, "minute")}` : unit(hours, "hour");
  if (minutes > 0) return unit(minutes, "minute");
  return unit(rest, "second");
}
