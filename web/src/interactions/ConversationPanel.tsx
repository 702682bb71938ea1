/**
 * The conversations: a tab per conversation (with unread counts), and the one shown — its messages (a live
 * log), the customer's typing indicator, the composer with canned messages, notes and tags, transfer and
 * end; in wrap-up the disposition form with its countdown.
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { useSecondTick } from "../agent/useSecondTick";
import type { ConfigApiClient } from "../api/configApi";
import { ChannelIcon } from "./ChannelIcon";
import { type CannedMessage, cannedFor } from "./configData";
import { DispositionForm } from "./DispositionForm";
import { MessageItem } from "./MessageItem";
import type { InteractionsFeed } from "./feed";
import { formatDuration, spokenDuration } from "../agent/duration";
import { STATUS_LABELS, formatWhen, holdTimes } from "./format";
import { LIMITS, type TransferTo } from "./protocol";
import type { ShortcutCommand } from "./shortcuts";
import type { Conversation, InteractionsState } from "./store";
import { TagEditor } from "./TagEditor";

export interface Signal {
  command: ShortcutCommand;
  n: number;
}

interface TabsProps {
  state: InteractionsState;
  onSelect: (interactionId: string) => void;
}

export function ConversationTabs({ state, onSelect }: TabsProps) {
  const select = (index: number) => {
    const id = state.tabs[(index + state.tabs.length) % state.tabs.length];
    if (id === undefined) return;
    onSelect(id);
    document.getElementById(`tab-${id}`)?.focus();
  };
  return (
    <div class="tabs" role="tablist" aria-label="Conversations">
      {state.tabs.map((id, index) => {
        const conversation = state.conversations[id];
        if (conversation === undefined) return null;
        const active = state.activeId === id;
        const { interaction, unread } = conversation;
        return (
          <button
            key={id}
            id={`tab-${id}`}
            type="button"
            role="tab"
            class={`tab${active ? " tab--active" : ""}`}
            aria-selected={active}
            aria-controls={`panel-${id}`}
            tabIndex={active ? 0 : -1}
            data-status={interaction.status}
            onClick={() => onSelect(id)}
            onKeyDown={(event) => {
              if (event.key === "ArrowRight") select(index + 1);
              else if (event.key === "ArrowLeft") select(index - 1);
            }}
          >
            <ChannelIcon channel={interaction.channel} direction={interaction.direction} />
            <span class="tab__name">{interaction.contact.name}</span>
            {interaction.status !== "active" && <span class="tab__status">{STATUS_LABELS[interaction.status]}</span>}
            {unread > 0 && (
              <span class="tab__unread">
                {unread}
                <span class="visually-hidden"> unread</span>
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}

/** "On hold" with a ticking timer while the channel holds the customer; the total held, once resumed. */
export function HoldBadge({ interaction }: { interaction: Conversation["interaction"] }) {
  const now = useSecondTick(interaction.onHold);
  const { current, total } = holdTimes(interaction, now);
  if (current !== null) {
    return (
      <p class="hold-badge" role="status" data-on-hold="true">
        <span class="hold-badge__label">On hold</span>
        <span class="hold-badge__timer" aria-hidden="true">
          {formatDuration(current)}
        </span>
        <span class="visually-hidden">{`for ${spokenDuration(current)}`}</span>
      </p>
    );
  }
  if (total <= 0) return null;
  return (
    <p class="hold-badge hold-badge--past" data-on-hold="false">
      {`Held ${formatDuration(total)} in all`}
    </p>
  );
}

interface PanelProps {
  conversation: Conversation;
  feed: InteractionsFeed;
  client: ConfigApiClient | null;
  tags: string[];
  canned: CannedMessage[] | null;
  signal: Signal | null;
  transferName: string | null;
  onOpenTransfer: () => void;
}

export function ConversationPanel({ conversation, feed, client, tags, canned, signal, transferName, onOpenTransfer }: PanelProps) {
  const { interaction } = conversation;
  const id = interaction.interactionId;
  const [error, setError] = useState<string | null>(null);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [dispositionFocus, setDispositionFocus] = useState(0);
  const composer = useRef<HTMLTextAreaElement>(null);
  const active = interaction.status === "active";
  const inWrapUp = interaction.status === "wrap_up";
  const closed = interaction.status === "closed" || interaction.status === "abandoned";

  useEffect(() => {
    setConfirmEnd(false);
    setError(null);
  }, [id]);

  // A shortcut pressed before this tab was shown is not for it.
  const seenSignal = useRef(signal?.n ?? 0);
  useEffect(() => {
    if (signal === null || signal.n <= seenSignal.current) return;
    seenSignal.current = signal.n;
    if (signal.command === "focusComposer") composer.current?.focus();
    else if (signal.command === "end" && active) setConfirmEnd(true);
    else if (signal.command === "disposition" && inWrapUp) setDispositionFocus(signal.n);
  }, [signal]);

  async function run(command: () => Promise<unknown>) {
    setError(null);
    try {
      await command();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  }

  return (
    <section id={`panel-${id}`} class="conversation card" role="tabpanel" aria-labelledby={`tab-${id}`}>
      <header class="conversation__head">
        <div>
          <h2 class="conversation__title">{interaction.contact.name}</h2>
          <p class="conversation__meta">
            {interaction.queueName} · {STATUS_LABELS[interaction.status]}
            {interaction.times.answeredAt && ` · answered ${formatWhen(interaction.times.answeredAt)}`}
          </p>
          <HoldBadge interaction={interaction} />
        </div>
        <div class="conversation__actions" role="group" aria-label="Conversation actions">
          {active && (
            <button
              type="button"
              class="button button--small"
              onClick={onOpenTransfer}
              aria-keyshortcuts="Alt+T"
              disabled={interaction.transfer !== null}
            >
              Transfer
            </button>
          )}
          {active && !confirmEnd && (
            <button
              type="button"
              class="button button--small button--danger-quiet"
              onClick={() => setConfirmEnd(true)}
              aria-keyshortcuts="Alt+E"
            >
              End
            </button>
          )}
          {active && confirmEnd && (
            <ConfirmEnd onEnd={() => run(() => feed.end(id)).then(() => setConfirmEnd(false))} onKeep={() => setConfirmEnd(false)} />
          )}
          {closed && (
            <button type="button" class="button button--small" onClick={() => feed.dispatch({ type: "close", interactionId: id })}>
              Close tab
            </button>
          )}
        </div>
      </header>
      {interaction.transfer && interaction.transfer.mode === "attended" && active && (
        <div class="banner banner--warning transfer-pending" role="status">
          <p>
            Transfer to {transferName ?? transferTargetId(interaction.transfer.to)} is waiting for you to confirm.
          </p>
          <div class="transfer-pending__actions">
            <button type="button" class="button button--small button--primary" onClick={() => run(() => feed.confirmTransfer(id))}>
              Confirm transfer
            </button>
            <button type="button" class="button button--small" onClick={() => run(() => feed.cancelTransfer(id))}>
              Cancel transfer
            </button>
          </div>
        </div>
      )}
      <p class="form__error" role="alert">
        {error ?? ""}
      </p>
      <MessageLog conversation={conversation} feed={feed} />
      {active && <Composer conversation={conversation} feed={feed} canned={canned} composer={composer} />}
      {inWrapUp && (
        <DispositionForm
          key={id}
          interaction={interaction}
          client={client}
          suggestions={tags}
          focusSignal={dispositionFocus}
          onSubmit={(values) => feed.submitDisposition(id, values)}
        />
      )}
      {closed && <p class="hint conversation__ended">This conversation has ended.</p>}
      <div class="conversation__tools">
        <NotesBox conversation={conversation} feed={feed} disabled={closed} />
        <section class="tool" aria-labelledby={`tags-${id}`}>
          <h3 id={`tags-${id}`} class="tool__title">
            Tags
          </h3>
          <TagEditor
            id={`tag-${id}`}
            tags={interaction.tags}
            suggestions={tags}
            disabled={closed}
            onAdd={(tag) => feed.addTag(id, tag)}
            onRemove={(tag) => feed.removeTag(id, tag)}
          />
        </section>
      </div>
    </section>
  );
}

/** The second step of ending: the End button takes the focus (Enter ends), "Keep" is next to it. */
function ConfirmEnd({ onEnd, onKeep }: { onEnd: () => void; onKeep: () => void }) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <span class="confirm-inline" role="group" aria-label="End this conversation?">
      <span>End this conversation?</span>
      <button type="button" class="button button--small button--danger" ref={button} onClick={onEnd}>
        End
      </button>
      <button type="button" class="button button--small" onClick={onKeep}>
        Keep
      </button>
    </span>
  );
}

function transferTargetId(to: TransferTo): string {
  return "agentId" in to ? to.agentId : to.queueId;
}

function MessageLog({ conversation, feed }: { conversation: Conversation; feed: InteractionsFeed }) {
  const log = useRef<HTMLDivElement>(null);
  const now = useSecondTick(conversation.typingUntil > 0);
  const typing = conversation.typingUntil > now;
  const count = conversation.messages.length + conversation.pending.length;
  useEffect(() => {
    const element = log.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [count, conversation.interaction.interactionId]);
  const id = conversation.interaction.interactionId;
  return (
    <>
      <div
        ref={log}
        class="messages"
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        aria-label={`Messages with ${conversation.interaction.contact.name}`}
        tabIndex={0}
      >
        <ol class="messages__list">
        {!conversation.loaded && conversation.messages.length === 0 && <li class="hint">Loading the conversation…</li>}
        {conversation.messages.map((message) => <MessageItem key={message.messageId} message={message} />)}
        {conversation.pending.map((pending) => (
          <li key={pending.clientMessageId} class={`message message--agent message--pending${pending.failed ? " message--failed" : ""}`}>
            <p class="message__text">{pending.text}</p>
            <span class="message__time">
              {pending.failed ? (
                <>
                  Not sent.{" "}
                  <button type="button" class="link-button" onClick={() => feed.retry(id, pending.clientMessageId).catch(() => undefined)}>
                    Try again
                  </button>{" "}
                  <button
                    type="button"
                    class="link-button"
                    onClick={() => feed.dispatch({ type: "discardPending", interactionId: id, clientMessageId: pending.clientMessageId })}
                  >
                    Discard
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
        {typing ? `${conversation.interaction.contact.name} is typing…` : ""}
      </p>
    </>
  );
}

/** Unsent text per conversation, kept while another tab is shown (the panel is rebuilt per tab). */
const drafts = new Map<string, string>();

interface ComposerProps {
  conversation: Conversation;
  feed: InteractionsFeed;
  canned: CannedMessage[] | null;
  composer: { current: HTMLTextAreaElement | null };
}

function Composer({ conversation, feed, canned, composer }: ComposerProps) {
  const id = conversation.interaction.interactionId;
  const [draft, setDraftState] = useState(() => drafts.get(id) ?? "");
  const [pickerOpen, setPickerOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const setDraft = (text: string) => {
    if (text === "") drafts.delete(id);
    else drafts.set(id, text);
    setDraftState(text);
  };

  function send(event?: Event) {
    event?.preventDefault();
    const text = draft.trim();
    if (text === "") return;
    if (text.length > LIMITS.message) return setError(`A message has at most ${LIMITS.message} characters.`);
    setError(null);
    setDraft("");
    feed.send(id, text).catch(() => undefined); // a failed message stays in the log with "Try again"
  }

  return (
    <form class="composer" onSubmit={send}>
      <label for={`composer-${id}`} class="visually-hidden">
        Message to {conversation.interaction.contact.name}
      </label>
      <textarea
        id={`composer-${id}`}
        ref={composer}
        class="input composer__input"
        rows={2}
        value={draft}
        maxLength={LIMITS.message}
        placeholder="Write a message — Enter sends, Shift+Enter adds a line"
        aria-keyshortcuts="Alt+C"
        onInput={(event) => {
          setDraft((event.target as HTMLTextAreaElement).value);
          feed.typing(id);
        }}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.shiftKey && !event.isComposing) send(event);
        }}
      />
      <div class="composer__actions">
        <button
          type="button"
          class="button button--small"
          aria-expanded={pickerOpen}
          aria-controls={`canned-${id}`}
          onClick={() => setPickerOpen((open) => !open)}
        >
          Canned messages
        </button>
        <button type="submit" class="button button--primary button--small" disabled={draft.trim() === ""}>
          Send
        </button>
      </div>
      <p class="field__error" role="alert">
        {error ?? ""}
      </p>
      {pickerOpen && (
        <CannedPicker
          id={`canned-${id}`}
          queueId={conversation.interaction.queueId}
          canned={canned}
          onClose={() => {
            setPickerOpen(false);
            composer.current?.focus();
          }}
          onSend={async (message) => {
            await feed.useCannedMessage(id, message.id);
            setPickerOpen(false);
            composer.current?.focus();
          }}
        />
      )}
    </form>
  );
}

interface PickerProps {
  id: string;
  queueId: string;
  canned: CannedMessage[] | null;
  onSend: (message: CannedMessage) => Promise<void>;
  onClose: () => void;
}

function CannedPicker({ id, queueId, canned, onSend, onClose }: PickerProps) {
  const [search, setSearch] = useState("");
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const shown = cannedFor(canned ?? [], queueId, search);
  const searchField = useRef<HTMLInputElement>(null);
  useEffect(() => searchField.current?.focus(), []);
  return (
    <div
      id={id}
      class="canned"
      role="region"
      aria-label="Canned messages"
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <label for={`${id}-search`} class="visually-hidden">
        Search canned messages
      </label>
      <input
        id={`${id}-search`}
        class="input"
        type="search"
        placeholder="Search canned messages"
        value={search}
        ref={searchField}
        autocomplete="off"
        onInput={(event) => setSearch((event.target as HTMLInputElement).value)}
      />
      {canned === null ? (
        <p class="hint">Loading…</p>
      ) : shown.length === 0 ? (
        <p class="hint">No canned message matches.</p>
      ) : (
        <ul class="canned__list">
          {shown.map((message) => (
            <li key={message.id} class="canned__item">
              <div>
                <p class="canned__title">{message.title}</p>
                <p class="canned__body">{message.body}</p>
              </div>
              <button
                type="button"
                class="button button--small"
                disabled={busy !== null}
                onClick={() => {
                  setBusy(message.id);
                  setError(null);
                  onSend(message)
                    .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)))
                    .finally(() => setBusy(null));
                }}
              >
                {busy === message.id ? "Sending…" : "Send"}
                <span class="visually-hidden">{` ${message.title}`}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <p class="hint">Contact details such as the customer's name are filled in when sent.</p>
      <p class="field__error" role="alert">
        {error ?? ""}
      </p>
    </div>
  );
}

function NotesBox({ conversation, feed, disabled }: { conversation: Conversation; feed: InteractionsFeed; disabled: boolean }) {
  const id = conversation.interaction.interactionId;
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const notes = conversation.interaction.notes;

  async function add(event: Event) {
    event.preventDefault();
    const value = text.trim();
    if (value === "") return;
    setBusy(true);
    setError(null);
    try {
      await feed.addNote(id, value);
      setText("");
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="tool" aria-labelledby={`notes-${id}`}>
      <h3 id={`notes-${id}`} class="tool__title">
        Notes
      </h3>
      {notes.length === 0 ? (
        <p class="hint">No notes yet.</p>
      ) : (
        <ul class="notes">
          {notes.map((note) => (
            <li key={note.noteId || note.at + note.text}>
              <p>{note.text}</p>
              <time class="muted" dateTime={note.at}>
                {formatWhen(note.at)}
              </time>
            </li>
          ))}
        </ul>
      )}
      {!disabled && (
        <form class="inline-form" onSubmit={add}>
          <label for={`note-${id}`} class="visually-hidden">
            Add a note
          </label>
          <textarea
            id={`note-${id}`}
            class="input"
            rows={2}
            maxLength={LIMITS.note}
            value={text}
            placeholder="Add a note (only agents see it)"
            onInput={(event) => setText((event.target as HTMLTextAreaElement).value)}
          />
          <button type="submit" class="button button--small" disabled={busy || text.trim() === ""}>
            {busy ? "Adding…" : "Add note"}
          </button>
        </form>
      )}
      <p class="field__error" role="alert">
        {error ?? ""}
      </p>
    </section>
  );
}
