/**
 * The wallboard's conversations: the open interactions of the supervisor's teams (channel, contact, queue,
 * agent, status with hold, wait and handle time, ticking), kept live by pushes; choosing one shows
 * its transcript read-only, its messages arriving live while it lasts.
 */

import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { formatDuration, spokenDuration } from "../agent/duration";
import { useSecondTick } from "../agent/useSecondTick";
import { ChannelIcon } from "../interactions/ChannelIcon";
import { MessageItem } from "../interactions/MessageItem";
import { STATUS_LABELS } from "../interactions/format";
import { type TeamInteraction, interactionConnection } from "../interactions/protocol";
import { useConnection } from "../ui/connectionContext";
import { ConversationsFeed, type ConversationsSnapshot, type Transcript, handleSeconds, waitSeconds } from "./conversationsFeed";

function Duration({ seconds }: { seconds: number | null }) {
  if (seconds === null) return <span class="muted">—</span>;
  return (
    <>
      <span aria-hidden="true">{formatDuration(seconds)}</span>
      <span class="visually-hidden">{spokenDuration(seconds)}</span>
    </>
  );
}

export function ConversationsPanel() {
  const connection = useConnection();
  const [snapshot, setSnapshot] = useState<ConversationsSnapshot>({ items: null, total: 0, error: null, transcript: null });
  const feed = useMemo(() => new ConversationsFeed(interactionConnection(connection), setSnapshot), [connection]);
  useEffect(() => {
    feed.start();
    return () => feed.stop();
  }, [feed]);
  const items = snapshot.items;
  const now = useSecondTick(items !== null && items.length > 0);
  const shown = snapshot.transcript;

  return (
    <section class="card conversations-board" aria-labelledby="conversations-title">
      <div class="queues__head">
        <h2 id="conversations-title" class="section-title">
          Conversations
        </h2>
        <span class="muted">
          {items === null
            ? ""
            : snapshot.total > items.length
              ? `${snapshot.total} open: the ${items.length} longest-running shown`
              : `${items.length} open`}
        </span>
      </div>
      {snapshot.error && (
        <p class="queues__error" role="alert">
          {snapshot.error}
        </p>
      )}
      {items === null && (
        <p class="roster__empty" aria-busy="true">
          Loading conversations…
        </p>
      )}
      {items !== null && items.length === 0 && <p class="roster__empty">No open conversations in your teams.</p>}
      {items !== null && items.length > 0 && (
        <ul class="conversations-board__list" aria-label="Open conversations of your teams, live">
          {items.map((row) => (
            <ConversationRow
              key={row.interactionId}
              row={row}
              now={now}
              selected={shown?.interactionId === row.interactionId}
              onOpen={() => feed.open(row.interactionId).catch(() => undefined)}
            />
          ))}
        </ul>
      )}
      {shown && (
        <TranscriptView
          transcript={shown}
          row={items?.find((row) => row.interactionId === shown.interactionId) ?? null}
          onClose={() => feed.close().catch(() => undefined)}
        />
      )}
    </section>
  );
}

interface RowProps {
  row: TeamInteraction;
  now: number;
  selected: boolean;
  onOpen: () => void;
}

function ConversationRow({ row, now, selected, onOpen }: RowProps) {
  const status = row.onHold ? "On hold" : STATUS_LABELS[row.status];
  return (
    <li class={`conversation-row${selected ? " conversation-row--selected" : ""}`} data-interaction-id={row.interactionId} data-status={row.status}>
      <button type="button" class="conversation-row__open" aria-pressed={selected} onClick={onOpen}>
        <span class="conversation-row__who">
          <ChannelIcon channel={row.channel} direction={row.direction} />
          <span class="conversation-row__contact">{row.contactName}</span>
          <span class="visually-hidden">, </span>
          <span class={`conversation-row__status conversation-row__status--${row.onHold ? "hold" : row.status}`}>{status}</span>
        </span>
        <span class="conversation-row__where">
          {row.queueName} · {row.agentName}
        </span>
        <dl class="conversation-row__times">
          <div>
            <dt>Wait</dt>
            <dd>
              <Duration seconds={waitSeconds(row, now)} />
            </dd>
          </div>
          <div>
            <dt>Handle</dt>
            <dd>
              <Duration seconds={handleSeconds(row, now)} />
            </dd>
          </div>
        </dl>
      </button>
    </li>
  );
}

interface TranscriptProps {
  transcript: Transcript;
  row: TeamInteraction | null;
  onClose: () => void;
}

function TranscriptView({ transcript, row, onClose }: TranscriptProps) {
  const log = useRef<HTMLDivElement>(null);
  const { interaction, messages } = transcript;
  const name = interaction?.contact.name ?? row?.contactName ?? "the customer";
  useEffect(() => {
    const element = log.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [messages.length, transcript.interactionId]);
  const status = row ? STATUS_LABELS[row.status] : interaction ? STATUS_LABELS[interaction.status] : null;
  return (
    <section class="transcript" aria-labelledby="transcript-title" data-interaction-id={transcript.interactionId}>
      <header class="transcript__head">
        <div>
          <h3 id="transcript-title" class="transcript__title">{`Conversation with ${name}`}</h3>
          <p class="conversation__meta">
            {[interaction?.queueName, interaction?.agentName ?? row?.agentName, status].filter(Boolean).join(" · ")}
            {" · "}
            {transcript.live ? "Live, read-only" : "Ended, read-only"}
          </p>
        </div>
        <button type="button" class="button button--small" onClick={onClose}>
          Close<span class="visually-hidden"> the conversation with {name}</span>
        </button>
      </header>
      {transcript.error && (
        <p class="form__error" role="alert">
          {transcript.error}
        </p>
      )}
      <div ref={log} class="messages transcript__messages" role="log" aria-live="polite" aria-relevant="additions" aria-label={`Messages with ${name}`} tabIndex={0}>
        <ol class="messages__list">
          {interaction === null && transcript.error === null && <li class="hint">Loading the conversation…</li>}
          {interaction !== null && messages.length === 0 && <li class="hint">No messages yet.</li>}
          {messages.map((message) => <MessageItem key={message.messageId} message={message} />)}
        </ol>
      </div>
    </section>
  );
}
