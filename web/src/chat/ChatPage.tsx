/**
 * The public customer chat at /chat (no sign-in): a short form (name, optional email, a topic from the
 * queues open to web chat, or the queue named by `?queue=`), then the conversation with an agent (messages, typing indicator, end chat), then a
 * rating (1-5 stars, optional comment).
 */

import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { useSecondTick } from "../agent/useSecondTick";
import { type RuntimeConfig, loadConfig } from "../config";
import { formatWhen } from "../interactions/format";
import { LIMITS } from "../interactions/protocol";
import {
  type ChatSession,
  type ChatState,
  CustomerChat,
  type ChatTopic,
  INITIAL_CHAT,
  clearChat,
  createChatSession,
  loadChat,
  loadChatTopics,
  queueFromSearch,
  saveChat,
  startProblem,
} from "./chatSession";

function sessionStore(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

export function ChatApp() {
  const [config, setConfig] = useState<RuntimeConfig | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = "Chat with us";
    loadConfig()
      .then(setConfig)
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  }, []);
  return (
    <main class="chat-page" id="main">
      <div class="chat-page__panel card">
        <p class="brand chat-page__brand">
          <span class="brand__mark" aria-hidden="true">
            AD
          </span>
          Chat with us
        </p>
        {error && (
          <p class="form__error" role="alert">
            {`The chat cannot start: ${error}`}
          </p>
        )}
        {!error && config === null && <p aria-busy="true">Loading…</p>}
        {config && <Chat config={config} />}
      </div>
    </main>
  );
}

function Chat({ config }: { config: RuntimeConfig }) {
  const [restored] = useState(() => loadChat(sessionStore(), Date.now()));
  const [session, setSession] = useState<ChatSession | null>(restored?.session ?? null);
  const initial = restored?.session === session ? restored?.state : undefined;
  if (session === null) return <StartForm config={config} onStarted={setSession} />;
  return (
    <Conversation
      key={session.interactionId}
      session={session}
      initial={initial ?? INITIAL_CHAT}
      onNewChat={() => {
        clearChat(sessionStore());
        setSession(null);
      }}
    />
  );
}

function StartForm({ config, onStarted }: { config: RuntimeConfig; onStarted: (session: ChatSession) => void }) {
  const fixedQueue = useMemo(() => queueFromSearch(location.search), []);
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [topics, setTopics] = useState<ChatTopic[] | null>(null);
  const [queueId, setQueueId] = useState(fixedQueue ?? "");
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (fixedQueue !== null) return;
    let current = true;
    loadChatTopics(config.apiUrl, fetch)
      .then((loaded) => {
        if (!current) return;
        setTopics(loaded);
        setQueueId((chosen) => chosen || (loaded[0]?.queueId ?? ""));
      })
      .catch((failure: unknown) => {
        if (!current) return;
        setTopics([]);
        setError({ field: null, message: failure instanceof Error ? failure.message : String(failure) });
      });
    return () => {
      current = false;
    };
  }, [config.apiUrl, fixedQueue]);
  const unavailable = fixedQueue === null && topics !== null && topics.length === 0;

  async function submit(event: Event) {
    event.preventDefault();
    const problem = startProblem({ name, email });
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      const topic = topics?.find((t) => t.queueId === queueId)?.label;
      const session = await createChatSession(
        config.apiUrl,
        { name, email, queueId, ...(topic ? { topic } : {}) },
        fetch,
        config.wsUrl,
      );
      onStarted(session);
    } catch (failure) {
      const field = failure instanceof Error && "field" in failure ? String((failure as { field?: string }).field ?? "") : "";
      setError({ field: field || null, message: failure instanceof Error ? failure.message : String(failure) });
      setBusy(false);
    }
  }

  const invalid = (field: string) => (error?.field === field ? "true" : undefined);
  return (
    <form class="form" onSubmit={submit} noValidate aria-describedby="chat-start-error">
      <h1>How can we help?</h1>
      <p class="hint">Tell us who you are and an agent will be with you shortly.</p>
      <div class="field">
        <label for="chat-name">Your name</label>
        <input
          id="chat-name"
          autocomplete="name"
          required
          maxLength={80}
          value={name}
          aria-invalid={invalid("name")}
          onInput={(event) => setName((event.target as HTMLInputElement).value)}
        />
      </div>
      <div class="field">
        <label for="chat-email">
          Email <span class="muted">(optional)</span>
        </label>
        <input
          id="chat-email"
          type="email"
          autocomplete="email"
          maxLength={254}
          value={email}
          aria-invalid={invalid("email")}
          onInput={(event) => setEmail((event.target as HTMLInputElement).value)}
        />
      </div>
      {fixedQueue === null && (
        <div class="field">
          <label for="chat-topic">Topic</label>
          <select
            id="chat-topic"
            class="input"
            value={queueId}
            aria-busy={topics === null ? "true" : undefined}
            disabled={topics === null || unavailable}
            onChange={(event) => setQueueId((event.target as HTMLSelectElement).value)}
          >
            {topics === null && <option value="">Loading topics…</option>}
            {topics?.map((topic) => (
              <option key={topic.queueId} value={topic.queueId}>
                {topic.label}
              </option>
            ))}
          </select>
        </div>
      )}
      {unavailable && error === null && (
        <p class="hint" role="status">
          Chat is not available right now. Please try again later.
        </p>
      )}
      <p id="chat-start-error" class="form__error" role="alert">
        {error?.message ?? ""}
      </p>
      <button type="submit" class="button button--primary button--block" disabled={busy || unavailable || queueId === ""}>
        {busy ? "Starting…" : "Start chat"}
      </button>
    </form>
  );
}

interface ConversationProps {
  session: ChatSession;
  initial: ChatState;
  onNewChat: () => void;
}

function Conversation({ session, initial, onNewChat }: ConversationProps) {
  const [state, setState] = useState<ChatState>(initial);
  const chat = useMemo(() => new CustomerChat(session, setState, {}, initial), [session]);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const log = useRef<HTMLDivElement>(null);
  const now = useSecondTick(state.agentTypingUntil > 0);
  const open = state.phase === "waiting" || state.phase === "chatting";

  useEffect(() => {
    chat.start();
    return () => chat.stop();
  }, [chat]);

  useEffect(() => saveChat(sessionStore(), session, state), [state]);

  useEffect(() => {
    const element = log.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [state.messages.length, state.pending.length]);

  function send(event?: Event) {
    event?.preventDefault();
    const text = draft.trim();
    if (text === "") return;
    if (text.length > LIMITS.message) return setError(`A message has at most ${LIMITS.message} characters.`);
    setError(null);
    setDraft("");
    chat.send(text).catch(() => undefined); // shown as "Not sent" with "Try again"
  }

  const connection = state.connection;
  const reconnecting = connection === "reconnecting" || connection === "offline" || connection === "connecting";

  return (
    <section class="chat" aria-labelledby="chat-title">
      <div class="chat__head">
        <div>
          <h1 id="chat-title" class="chat__title">
            {state.phase === "waiting" ? "Waiting for an agent…" : state.agentName ? `Chatting with ${state.agentName}` : "Your chat"}
          </h1>
          {session.queueName && <p class="hint">{session.queueName}</p>}
        </div>
        {open && !confirmEnd && (
          <button type="button" class="button button--small button--danger-quiet" onClick={() => setConfirmEnd(true)}>
            End chat
          </button>
        )}
        {open && confirmEnd && (
          <span class="confirm-inline" role="group" aria-label="End the chat?">
            <span>End the chat?</span>
            <button
              type="button"
              class="button button--small button--danger"
              onClick={() => {
                setConfirmEnd(false);
                chat.end().catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
              }}
            >
              End
            </button>
            <button type="button" class="button button--small" onClick={() => setConfirmEnd(false)}>
              Keep chatting
            </button>
          </span>
        )}
      </div>
      <p class="visually-hidden" role="status">
        {state.phase === "chatting" && state.agentName ? `${state.agentName} joined the chat.` : ""}
        {state.phase === "ended" ? "The chat has ended." : ""}
      </p>
      {reconnecting && open && (
        <p class="notice" role="status">
          Reconnecting…
        </p>
      )}
      {connection === "expired" && (
        <p class="form__error" role="alert">
          This chat session has expired.
        </p>
      )}
      <div
        ref={log}
        class="messages chat__messages"
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-label="Messages"
        tabIndex={0}
      >
        <ol class="messages__list">
          {state.messages.map((message) => (
            <li
              key={message.messageId}
              class={`message message--${message.from === "customer" ? "own" : message.from === "agent" ? "other" : "system"}`}
              data-seq={message.seq}
            >
              <span class="message__author">
                {message.from === "customer" ? "You" : message.from === "agent" ? message.authorName : ""}
              </span>
              <p class="message__text">{message.text}</p>
              <time class="message__time" dateTime={message.sentAt}>
                {formatWhen(message.sentAt)}
              </time>
            </li>
          ))}
          {state.pending.map((pending) => (
            <li key={pending.clientMessageId} class={`message message--own message--pending${pending.failed ? " message--failed" : ""}`}>
              <span class="message__author">You</span>
              <p class="message__text">{pending.text}</p>
              <span class="message__time">
                {pending.failed ? (
                  <>
                    Not sent.{" "}
                    <button type="button" class="link-button" onClick={() => chat.retry(pending.clientMessageId).catch(() => undefined)}>
                      Try again
                    </button>
                  </>
                ) : (
                  "Sending…"
                )}
              </span>
            </li>
          ))}
        </ol>
      </div>
      <p class="typing" role="status">
        {state.agentTypingUntil > now ? `${state.agentName ?? "The agent"} is typing…` : ""}
      </p>
      {open && (
        <form class="composer" onSubmit={send}>
          <label for="chat-message" class="visually-hidden">
            Your message
          </label>
          <textarea
            id="chat-message"
            class="input composer__input"
            rows={2}
            maxLength={LIMITS.message}
            value={draft}
            placeholder="Type your message — Enter sends"
            onInput={(event) => {
              setDraft((event.target as HTMLTextAreaElement).value);
              chat.typing();
            }}
            onKeyDown={(event) => {
              if (event.key === "Enter" && !event.shiftKey && !event.isComposing) send(event);
            }}
          />
          <div class="composer__actions">
            <button type="submit" class="button button--primary button--small" disabled={draft.trim() === ""}>
              Send
            </button>
          </div>
        </form>
      )}
      <p class="form__error" role="alert">
        {error ?? ""}
      </p>
      {state.phase === "ended" && <Rating onRate={(score, comment) => chat.rate(score, comment)} />}
      {state.phase === "rated" && <p class="notice">Thank you for your feedback.</p>}
      {!open && (
        <button type="button" class="button" onClick={onNewChat}>
          Start a new chat
        </button>
      )}
    </section>
  );
}

export const STAR_LABELS = ["Very poor", "Poor", "OK", "Good", "Excellent"];

function Rating({ onRate }: { onRate: (score: number, comment: string) => Promise<void> }) {
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    if (score === null) return setError("Choose from 1 to 5 stars.");
    setBusy(true);
    setError(null);
    try {
      await onRate(score, comment);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  }

  return (
    <form class="rating form" onSubmit={submit}>
      <fieldset class="stars">
        <legend>How was your chat?</legend>
        {STAR_LABELS.map((label, index) => {
          const value = index + 1;
          return (
            <label key={value} class={`star${score !== null && value <= score ? " star--on" : ""}`}>
              <input type="radio" name="rating" value={value} checked={score === value} onChange={() => setScore(value)} />
              <span aria-hidden="true">★</span>
              <span class="visually-hidden">{`${value} ${value === 1 ? "star" : "stars"}: ${label}`}</span>
            </label>
          );
        })}
      </fieldset>
      <div class="field">
        <label for="rating-comment">
          Comment <span class="muted">(optional)</span>
        </label>
        <textarea
          id="rating-comment"
          class="input"
          rows={3}
          maxLength={LIMITS.rateComment}
          value={comment}
          onInput={(event) => setComment((event.target as HTMLTextAreaElement).value)}
        />
      </div>
      <p class="form__error" role="alert">
        {error ?? ""}
      </p>
      <button type="submit" class="button button--primary" disabled={busy}>
        {busy ? "Sending…" : "Send rating"}
      </button>
    </form>
  );
}
