/**
 * The one WebSocket connection of a signed-in session: connects, reconnects with backoff, correlates each
 * request with its single reply, and hands server pushes to subscribers.
 *
 * Everything that touches the outside world (the socket, timers, the browser's online state, randomness,
 * request ids) is injected, so the behaviour is unit-tested without a network or real time.
 */

import { type BackoffPolicy, DEFAULT_BACKOFF, backoffDelay } from "./backoff";
import { type AckReply, type Actions, type Push, parseServerMessage } from "./protocol";

export type ConnectionStatus =
  | { state: "idle" }
  | { state: "connecting" }
  | { state: "connected" }
  | { state: "reconnecting"; attempt: number; retryAt: number }
  | { state: "offline" }
  /** The session can no longer connect (its token expired); the app must sign in again. */
  | { state: "expired" }
  | { state: "stopped" };

/** Codes the client itself produces; every other code comes from the server's error reply. */
export type ClientErrorCode = "TIMEOUT" | "DISCONNECTED" | "NOT_CONNECTED";

export class RequestError extends Error {
  override readonly name = "RequestError";

  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface SocketHandlers {
  open(): void;
  message(data: string): void;
  close(code: number, reason: string): void;
}

export interface SocketHandle {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketHandle;

export interface Timers {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Network {
  isOnline(): boolean;
  /** Calls back when the browser goes on- or offline; returns the unsubscribe function. */
  subscribe(listener: (online: boolean) => void): () => void;
}

/** What an action sends besides the envelope, and what its ack carries besides `type` and `requestId`. */
export interface ActionSpec {
  request: object;
  ack: object;
}

export interface ConnectionOptions {
  /** The URL for the next attempt; called per attempt so a renewed token is picked up. */
  url: () => string;
  /** False once the session's token has expired; checked before each attempt and after a refused handshake. */
  isSessionValid?: () => boolean;
  createSocket?: SocketFactory;
  timers?: Timers;
  network?: Network;
  random?: () => number;
  backoff?: BackoffPolicy;
  requestTimeoutMs?: number;
  newRequestId?: () => string;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

interface Pending {
  resolve(reply: AckReply): void;
  reject(error: RequestError): void;
  timer: unknown;
}

export const browserSocket: SocketFactory = (url, handlers) => {
  const socket = new WebSocket(url);
  socket.onopen = () => handlers.open();
  socket.onmessage = (event: MessageEvent) => {
    if (typeof event.data === "string") handlers.message(event.data);
  };
  socket.onclose = (event: CloseEvent) => handlers.close(event.code, event.reason);
  return {
    send: (data) => socket.send(data),
    close: (code, reason) => {
      // A socket we close ourselves must not report back and trigger a reconnect.
      socket.onopen = socket.onmessage = socket.onclose = null;
      socket.close(code, reason);
    },
  };
};

export const browserTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
};

export const browserNetwork: Network = {
  isOnline: () => globalThis.navigator?.onLine ?? true,
  subscribe(listener) {
    const online = () => listener(true);
    const offline = () => listener(false);
    globalThis.addEventListener("online", online);
    globalThis.addEventListener("offline", offline);
    return () => {
      globalThis.removeEventListener("online", online);
      globalThis.removeEventListener("offline", offline);
    };
  },
};

function randomRequestIds(): () => string {
  const prefix = Math.random().toString(36).slice(2, 8);
  let counter = 0;
  return () => `${prefix}-${++counter}`;
}

export class DeskConnection<A extends Record<keyof A, ActionSpec> = Actions> {
  private readonly url: () => string;
  private readonly isSessionValid: () => boolean;
  private readonly createSocket: SocketFactory;
  private readonly timers: Timers;
  private readonly network: Network;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly requestTimeoutMs: number;
  private readonly newRequestId: () => string;

  private socket: SocketHandle | null = null;
  private opened = false;
  private openedAt = 0;
  private attempt = 0;
  private retryTimer: unknown = null;
  private unsubscribeNetwork: (() => void) | null = null;
  private currentStatus: ConnectionStatus = { state: "idle" };
  private readonly pending = new Map<string, Pending>();
  private readonly pushHandlers = new Map<string, Set<(push: Push) => void>>();
  private readonly statusListeners = new Set<(status: ConnectionStatus) => void>();

  constructor(options: ConnectionOptions) {
    this.url = options.url;
    this.isSessionValid = options.isSessionValid ?? (() => true);
    this.createSocket = options.createSocket ?? browserSocket;
    this.timers = options.timers ?? browserTimers;
    this.network = options.network ?? browserNetwork;
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.newRequestId = options.newRequestId ?? randomRequestIds();
  }

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  /** Start connecting; reconnects on its own until `stop()`. */
  start(): void {
    if (this.currentStatus.state !== "idle") return;
    this.unsubscribeNetwork = this.network.subscribe((online) => this.networkChanged(online));
    this.connect();
  }

  /** Skip the rest of the backoff wait (a "Retry now" button); does nothing unless a retry is scheduled. */
  retryNow(): void {
    if (this.currentStatus.state !== "reconnecting") return;
    this.clearRetry();
    this.connect();
  }

  /** Close for good (sign-out): pending requests fail with DISCONNECTED, no reconnect follows. */
  stop(): void {
    this.shutDown({ state: "stopped" });
  }

  /** Send one request and resolve with its ack; reject with the server's code and message on error. */
  request<K extends keyof A & string>(
    action: K,
    fields: A[K]["request"],
    options: { timeoutMs?: number } = {},
  ): Promise<A[K]["ack"] & AckReply> {
    if (this.socket === null || !this.opened) {
      return Promise.reject(new RequestError("NOT_CONNECTED", "Not connected to Agent Desk; try again in a moment."));
    }
    const requestId = this.newRequestId();
    const frame = JSON.stringify({ ...fields, action, requestId });
    const socket = this.socket;
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    return new Promise<A[K]["ack"] & AckReply>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.pending.delete(requestId);
        reject(new RequestError("TIMEOUT", `No reply to '${action}' within ${timeoutMs / 1000} s.`));
      }, timeoutMs);
      this.pending.set(requestId, {
        resolve: (reply) => resolve(reply as A[K]["ack"] & AckReply),
        reject,
        timer,
      });
      socket.send(frame);
    });
  }

  /** Subscribe to server pushes of one `type`; returns the unsubscribe function. */
  on(type: string, handler: (push: Push) => void): () => void {
    let handlers = this.pushHandlers.get(type);
    if (handlers === undefined) {
      handlers = new Set();
      this.pushHandlers.set(type, handlers);
    }
    handlers.add(handler);
    return () => {
      handlers.delete(handler);
    };
  }

  /** Follow the connection state (the listener is called at once with the current state). */
  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.currentStatus);
    return () => {
      this.statusListeners.delete(listener);
    };
  }

  private setStatus(status: ConnectionStatus): void {
    this.currentStatus = status;
    for (const listener of [...this.statusListeners]) listener(status);
  }

  private connect(): void {
    this.retryTimer = null;
    if (!this.isSessionValid()) {
      this.shutDown({ state: "expired" });
      return;
    }
    if (!this.network.isOnline()) {
      this.setStatus({ state: "offline" });
      return;
    }
    this.setStatus({ state: "connecting" });
    this.opened = false;
    const handle: { socket: SocketHandle | null } = { socket: null };
    // Events of a socket that has since been replaced or closed are ignored.
    const current = () => handle.socket !== null && handle.socket === this.socket;
    handle.socket = this.createSocket(this.url(), {
      open: () => current() && this.socketOpened(),
      message: (data) => current() && this.socketMessage(data),
      close: () => current() && this.socketClosed(),
    });
    this.socket = handle.socket;
  }

  private socketOpened(): void {
    this.opened = true;
    this.openedAt = this.timers.now();
    this.setStatus({ state: "connected" });
  }

  private socketMessage(data: string): void {
    const message = parseServerMessage(data);
    if (message === null) return;
    if (message.type === "ack" || message.type === "error") {
      const requestId = message["requestId"];
      const entry = typeof requestId === "string" ? this.pending.get(requestId) : undefined;
      // A reply nobody waits for (it came after its timeout, or it answers a frame the server could not read).
      if (entry === undefined || typeof requestId !== "string") return;
      this.pending.delete(requestId);
      this.timers.clearTimeout(entry.timer);
      if (message.type === "ack") {
        entry.resolve(message as AckReply);
      } else {
        const code = typeof message["code"] === "string" ? message["code"] : "UNKNOWN";
        const text = typeof message["message"] === "string" ? message["message"] : "The request failed.";
        const field = typeof message["field"] === "string" ? message["field"] : undefined;
        entry.reject(new RequestError(code, text, field));
      }
      return;
    }
    for (const handler of [...(this.pushHandlers.get(message.type) ?? [])]) {
      try {
        handler(message as Push);
      } catch (error) {
        // One broken view must not starve the others; the error still reaches the console.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  private socketClosed(): void {
    const wasOpen = this.opened;
    this.socket = null;
    this.opened = false;
    this.failPending("The connection was lost before the reply arrived.");
    if (!wasOpen && !this.isSessionValid()) {
      // The gateway refuses the handshake of an expired token without saying why; the token tells us.
      this.shutDown({ state: "expired" });
      return;
    }
    if (wasOpen && this.timers.now() - this.openedAt >= this.backoff.stableAfterMs) this.attempt = 0;
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (!this.network.isOnline()) {
      this.setStatus({ state: "offline" });
      return;
    }
    const delay = backoffDelay(this.attempt, this.random, this.backoff);
    this.attempt += 1;
    this.setStatus({ state: "reconnecting", attempt: this.attempt, retryAt: this.timers.now() + delay });
    this.retryTimer = this.timers.setTimeout(() => this.connect(), delay);
  }

  private networkChanged(online: boolean): void {
    const state = this.currentStatus.state;
    if (online && state === "offline") {
      this.attempt = 0;
      this.connect();
    } else if (!online && state === "reconnecting") {
      this.clearRetry();
      this.setStatus({ state: "offline" });
    }
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private failPending(message: string): void {
    for (const [requestId, entry] of this.pending) {
      this.timers.clearTimeout(entry.timer);
      this.pending.delete(requestId);
      entry.reject(new RequestError("DISCONNECTED", message));
    }
  }

  private shutDown(final: ConnectionStatus): void {
    this.clearRetry();
    this.unsubscribeNetwork?.();
    this.unsubscribeNetwork = null;
    const socket = this.socket;
    this.socket = null;
    this.opened = false;
    socket?.close(1000, "signed out");
    this.failPending("The connection was closed.");
    this.setStatus(final);
  }
}
