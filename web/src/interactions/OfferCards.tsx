/**
 * Offers waiting for an answer: who and which queue, the time left to answer (ticking), Accept and Reject;
 * an offer answered automatically says so instead of showing buttons.
 */

import { useState } from "preact/hooks";
import { useSecondTick } from "../agent/useSecondTick";
import { ChannelIcon } from "./ChannelIcon";
import { type OfferEntry, secondsLeft } from "./store";

interface Props {
  offers: OfferEntry[];
  onAccept: (interactionId: string) => Promise<void>;
  onReject: (interactionId: string) => Promise<void>;
}

/** "New offer: Dana Customer." — what a screen reader hears when offers arrive. */
export function offerAnnouncement(offers: readonly OfferEntry[]): string {
  if (offers.length === 0) return "";
  const names = offers.map((o) => o.interaction.contact.name).join(", ");
  return `New ${offers.length === 1 ? "offer" : `offers (${offers.length})`}: ${names}.`;
}

export function OfferCards({ offers, onAccept, onReject }: Props) {
  const now = useSecondTick(offers.length > 0);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(interactionId: string, command: (id: string) => Promise<void>) {
    setBusy(interactionId);
    setError(null);
    try {
      await command(interactionId);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section class="offers" aria-label="Offers">
      {/* Announced once per new offer; the countdown is a timer, not read every second. */}
      <p class="visually-hidden" role="status">
        {offerAnnouncement(offers)}
      </p>
      {offers.map((entry, index) => {
        const { interaction, offer } = entry;
        const left = secondsLeft(offer.expiresAt, now);
        const titleId = `offer-${interaction.interactionId}`;
        return (
          <article key={offer.offerId} class="offer card" aria-labelledby={titleId} data-interaction-id={interaction.interactionId}>
            <div class="offer__who">
              <ChannelIcon channel={interaction.channel} direction={interaction.direction} />
              <h2 id={titleId} class="offer__title">
                {interaction.contact.name}
              </h2>
              <span class="offer__queue">{interaction.queueName}</span>
              {interaction.subject && <span class="offer__subject">{interaction.subject}</span>}
            </div>
            <span class="offer__countdown" role="timer" aria-label={`Time left to answer: ${left ?? "unknown"} seconds`}>
              {left === null ? "" : `${left}s`}
            </span>
            {entry.autoAnswering ? (
              <p class="offer__auto">Answering automatically…</p>
            ) : (
              <div class="offer__actions">
                <button
                  type="button"
                  class="button button--primary"
                  disabled={busy !== null}
                  onClick={() => run(interaction.interactionId, onAccept)}
                  aria-keyshortcuts={index === 0 ? "Alt+A" : undefined}
                >
                  {busy === interaction.interactionId ? "Accepting…" : "Accept"}
                </button>
                <button
                  type="button"
                  class="button button--danger-quiet"
                  disabled={busy !== null}
                  onClick={() => run(interaction.interactionId, onReject)}
                  aria-keyshortcuts={index === 0 ? "Alt+R" : undefined}
                >
                  Reject
                </button>
              </div>
            )}
          </article>
        );
      })}
      <p class="form__error" role="alert">
        {error ?? ""}
      </p>
    </section>
  );
}
