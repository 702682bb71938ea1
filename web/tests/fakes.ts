/** Test doubles for the connection's injected world: sockets, timers, network state, storage. */

import type { Network, SocketFactory, SocketHandlers, Timers } from "../src/realtime/connection";

export class FakeTimers implements Timers {
  private time = 1_000_000;
  private nextId = 0;
  private readonly tasks = new Map<number, { at: number; run: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(run: () => void, ms: number): unknown {
    const id = ++this.nextId;
    this.tasks.set(id, { at: this.time + ms, run });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.tasks.delete(handle as number);
  }

  /** Delays (from now) of the timers still scheduled, soonest first. */
  scheduled(): number[] {
    return [...this.tasks.values()].map((task) => task.at - this.time).sort((a, b) => a - b);
  }

  /** Move time forward, running every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let due: [number, { at: number; run: () => void }] | undefined;
      for (const entry of this.tasks) {
        if (entry[1].at <= end && (due === undefined || entry[1].at < due[1].at)) due = entry;
      }
      if (due === undefined) break;
      this.tasks.delete(due[0]);
      this.time = due[1].at;
      due[1].run();
    }
    this.time = end;
  }
}

export class FakeSocket {
  readonly sent: Record<string, unknown>[] = [];
  closedByClient: { code: number | undefined; reason: string | undefined } | null = null;

  constructor(
    readonly url: string,
    private readonly handlers: SocketHandlers,
  ) {}

  /** The server accepts the handshake. */
  accept(): void {
    this.handlers.open();
  }

  /** The server sends one frame (an object is sent as JSON). */
  receive(message: object | string): void {
    this.handlers.message(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The connection drops or the handshake is refused (1006 is what a browser reports for both). */
  drop(code = 1006): void {
    this.handlers.close(code, "");
  }

  lastSent(): Record<string, unknown> {
    const last = this.sent.at(-1);
    if (last === undefined) throw new Error("nothing was sent");
    return last;
  }
}

export class FakeSockets {
  readonly all: FakeSocket[] = [];

  readonly factory: SocketFactory = (url, handlers) => {
    const socket = new FakeSocket(url, handlers);
    this.all.push(socket);
    return {
      send: (data) => socket.sent.push(JSON.parse(data) as Record<string, unknown>),
      close: (code, reason) => {
        socket.closedByClient = { code, reason };
      },
    };
  };

  get latest(): FakeSocket {
    const socket = this.all.at(-1);
    if (socket === undefined) throw new Error("no socket was opened");
    return socket;
  }
}

export class FakeNetwork implements Network {
  online = true;
  private readonly listeners = new Set<(online: boolean) => void>();

  isOnline(): boolean {
    return this.online;
  }

  subscribe(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(online: boolean): void {
    this.online = online;
    for (const listener of [...this.listeners]) listener(online);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}

export class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();

  get length(): number {
    return this.items.size;
  }

  clear(): void {
    this.items.clear();
  }

  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }

  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }

  removeItem(key: string): void {
    this.items.delete(key);
  }

  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

/** An unsigned JWT with the given claims (the app only reads claims; the server verifies signatures). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const encode = (value: object) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
  return `${encode({ alg: "RS256", kid: "test" })}.${encode(claims)}.signature`;
}
