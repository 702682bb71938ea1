/** The connection state in the header: connecting / connected / reconnecting in N s / offline. */

import { useEffect, useState } from "preact/hooks";
import type { ConnectionStatus } from "../realtime/connection";

function secondsUntil(at: number): number {
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Ticks once a second while a retry is scheduled, so the countdown stays true. */
function useCountdown(retryAt: number | null): number {
  const [seconds, setSeconds] = useState(retryAt === null ? 0 : secondsUntil(retryAt));
  useEffect(() => {
    if (retryAt === null) return;
    setSeconds(secondsUntil(retryAt));
    const timer = setInterval(() => setSeconds(secondsUntil(retryAt)), 250);
    return () => clearInterval(timer);
  }, [retryAt]);
  return seconds;
}

const LABELS: Record<ConnectionStatus["state"], string> = {
  idle: "Connecting…",
  connecting: "Connecting…",
  connected: "Connected",
  reconnecting: "Reconnecting",
  offline: "Offline",
  expired: "Disconnected",
  stopped: "Disconnected",
};

export function ConnectionIndicator({ status, onRetryNow }: { status: ConnectionStatus; onRetryNow: () => void }) {
  const seconds = useCountdown(status.state === "reconnecting" ? status.retryAt : null);
  const label = LABELS[status.state];
  const visible = status.state === "reconnecting" ? `Reconnecting in ${seconds} s` : label;
  const tone = status.state === "connected" ? "ok" : status.state === "offline" ? "bad" : "wait";
  return (
    <div class="connection" data-state={status.state} data-tone={tone}>
      <span class="connection__dot" aria-hidden="true" />
      {/* The live region carries the state only; a ticking countdown would be read out every second. */}
      <span class="visually-hidden" role="status">
        {`Connection: ${label}`}
      </span>
      <span class="connection__label" aria-hidden="true">
        {visible}
      </span>
      {status.state === "reconnecting" && (
        <button type="button" class="link-button" onClick={onRetryNow}>
          Retry now
        </button>
      )}
    </div>
  );
}
