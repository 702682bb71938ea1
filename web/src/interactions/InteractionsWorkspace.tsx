/**
 * The agent's work below the status toolbar: today's performance, offers, the conversations as tabs with
 * the customer beside the one shown, and Most Recent Activity; the keyboard shortcuts ("?" lists them), the
 * agent's settings (auto-answer) and completing a disposition later.
 */

import { useEffect, useState } from "preact/hooks";
import { useSecondTick } from "../agent/useSecondTick";
import { Modal } from "../wallboard/Modal";
import { ConversationPanel, ConversationTabs, type Signal } from "./ConversationPanel";
import { CustomerInfo } from "./CustomerInfo";
import { DispositionForm } from "./DispositionForm";
import { titleWithUnread } from "./format";
import { OfferCards } from "./OfferCards";
import { PerformanceToolbar } from "./PerformanceToolbar";
import type { InteractionSummary, InteractionView } from "./protocol";
import { RecentActivity } from "./RecentActivity";
import { SettingsDialog } from "./SettingsDialog";
import { isTextField, shortcutFor, type ShortcutCommand } from "./shortcuts";
import { ShortcutsHelp } from "./ShortcutsHelp";
import { activeConversation, openOffers, totalUnread } from "./store";
import { TransferDialog } from "./TransferDialog";
import { useConfigLists, useInteractions } from "./useInteractions";

type Dialog =
  | { kind: "help" }
  | { kind: "settings" }
  | { kind: "transfer"; interactionId: string }
  | { kind: "complete"; interaction: InteractionView }
  | null;

export function InteractionsWorkspace() {
  const { state, feed, connected, listError, settings, changeSettings, autoAnswerProblem } = useInteractions();
  const lists = useConfigLists();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [signal, setSignal] = useState<Signal | null>(null);
  const [transferNames, setTransferNames] = useState<Record<string, string>>({});
  const [completeError, setCompleteError] = useState<string | null>(null);
  const now = useSecondTick(state.offers.length > 0);
  const offers = openOffers(state, now);
  const shown = activeConversation(state);
  const unread = totalUnread(state);

  useEffect(() => {
    document.title = titleWithUnread(document.title, unread);
  }, [unread]);

  async function complete(row: InteractionSummary) {
    setCompleteError(null);
    try {
      const { interaction } = await feed.read(row.interactionId);
      setDialog({ kind: "complete", interaction });
    } catch (failure) {
      setCompleteError(failure instanceof Error ? failure.message : String(failure));
    }
  }

  function command(name: ShortcutCommand) {
    const first = offers.find((entry) => !entry.autoAnswering);
    switch (name) {
      case "help":
        setDialog((open) => (open?.kind === "help" ? null : { kind: "help" }));
        return;
      case "accept":
        if (first) feed.accept(first.interaction.interactionId).catch(() => undefined);
        return;
      case "reject":
        if (first) feed.reject(first.interaction.interactionId).catch(() => undefined);
        return;
      case "nextTab":
      case "previousTab": {
        feed.dispatch({ type: "selectRelative", delta: name === "nextTab" ? 1 : -1 });
        return;
      }
      case "transfer":
        if (shown && shown.interaction.status === "active" && shown.interaction.transfer === null) {
          setDialog({ kind: "transfer", interactionId: shown.interaction.interactionId });
        }
        return;
      default:
        setSignal((last) => ({ command: name, n: (last?.n ?? 0) + 1 }));
    }
  }

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (dialog !== null && dialog.kind !== "help") return; // a dialog owns the keyboard
      const name = shortcutFor({
        key: event.key,
        code: event.code,
        altKey: event.altKey,
        ctrlKey: event.ctrlKey,
        metaKey: event.metaKey,
        shiftKey: event.shiftKey,
        inTextField: isTextField(document.activeElement),
      });
      if (name === null) return;
      if (dialog?.kind === "help" && name !== "help") return;
      event.preventDefault();
      command(name);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  });

  const transferTarget = dialog?.kind === "transfer" ? state.conversations[dialog.interactionId] : undefined;

  return (
    <div class="desk">
      <div class="desk__bar">
        <PerformanceToolbar today={state.today} />
        <div class="desk__tools">
          {settings.autoAnswer && <span class="pending-hint">Auto answer on</span>}
          <button type="button" class="button button--small" onClick={() => setDialog({ kind: "settings" })}>
            Settings
          </button>
          <button type="button" class="button button--small" aria-keyshortcuts="?" onClick={() => setDialog({ kind: "help" })}>
            Shortcuts <kbd aria-hidden="true">?</kbd>
          </button>
        </div>
      </div>
      {state.notice && (
        <p class="banner desk__notice" role="status">
          {state.notice}{" "}
          <button type="button" class="link-button" onClick={() => feed.dispatch({ type: "dismissNotice" })}>
            Dismiss
          </button>
        </p>
      )}
      {listError && (
        <p class="banner banner--error" role="alert">
          {listError}
        </p>
      )}
      {lists.error && (
        <p class="banner banner--warning" role="alert">
          {`Canned messages could not be loaded: ${lists.error}`}
        </p>
      )}
      <OfferCards offers={offers} onAccept={(id) => feed.accept(id)} onReject={(id) => feed.reject(id)} />
      {state.tabs.length === 0 ? (
        <div class="card empty-state desk__empty">
          <p>{connected ? "No conversations right now. New ones are offered here." : "Connecting…"}</p>
        </div>
      ) : (
        <div class="desk__conversations">
          <ConversationTabs state={state} onSelect={(id) => feed.dispatch({ type: "select", interactionId: id })} />
          {shown && (
            <div class="desk__shown">
              <ConversationPanel
                key={shown.interaction.interactionId}
                conversation={shown}
                feed={feed}
                client={lists.client}
                tags={lists.tags}
                canned={lists.canned}
                signal={signal}
                transferName={transferNames[shown.interaction.interactionId] ?? null}
                onOpenTransfer={() => setDialog({ kind: "transfer", interactionId: shown.interaction.interactionId })}
              />
              <CustomerInfo conversation={shown} />
            </div>
          )}
        </div>
      )}
      {completeError && (
        <p class="banner banner--error" role="alert">
          {completeError}
        </p>
      )}
      <RecentActivity
        rows={state.recent}
        connected={connected}
        onComplete={(row) => void complete(row)}
        onRefresh={() => feed.refreshRecent().catch(() => undefined)}
      />
      {dialog?.kind === "help" && <ShortcutsHelp onClose={() => setDialog(null)} />}
      {dialog?.kind === "settings" && (
        <SettingsDialog
          settings={settings}
          problem={autoAnswerProblem}
          onChange={changeSettings}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === "transfer" && transferTarget && (
        <TransferDialog
          contactName={transferTarget.interaction.contact.name}
          loadTargets={() => feed.transferTargets(dialog.interactionId)}
          onClose={() => setDialog(null)}
          onTransfer={async (to, mode, note, name) => {
            setTransferNames((names) => ({ ...names, [dialog.interactionId]: name }));
            await feed.transfer(dialog.interactionId, to, mode, note);
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === "complete" && (
        <Modal id="complete-disposition" title={`Disposition: ${dialog.interaction.contact.name}`} onClose={() => setDialog(null)}>
          <div class="modal__body">
            <DispositionForm
              interaction={dialog.interaction}
              client={lists.client}
              suggestions={lists.tags}
              onCancel={() => setDialog(null)}
              onSubmit={async (values) => {
                await feed.submitDisposition(dialog.interaction.interactionId, values);
                setDialog(null);
              }}
            />
          </div>
        </Modal>
      )}
    </div>
  );
}
