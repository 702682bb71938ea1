/**
 * Transfer a conversation to an agent or a queue, blind ("Transfer now") or attended ("Consult first",
 * confirmed or cancelled afterwards), with a note. Destinations show their live status: the list is read
 * again every few seconds while the dialog is open.
 */

import { useEffect, useState } from "preact/hooks";
import { isAgentStatus } from "../agent/agentState";
import { StatusBadge } from "../agent/StatusBadge";
import { Modal } from "../wallboard/Modal";
import { LIMITS, type TransferMode, type TransferTargets, type TransferTo } from "./protocol";

export const TARGETS_REFRESH_MS = 5_000;

interface Props {
  contactName: string;
  loadTargets: () => Promise<TransferTargets>;
  onTransfer: (to: TransferTo, mode: TransferMode, note: string, targetName: string) => Promise<unknown>;
  onClose: () => void;
}

type Choice = { kind: "agent" | "queue"; id: string } | null;

/** Agents who can take it first (Available), then by name. */
export function sortAgents(agents: TransferTargets["agents"]): TransferTargets["agents"] {
  const rank = (status: string) => ["Available", "Busy", "Away", "Offline"].indexOf(status);
  return [...agents].sort((a, b) => rank(a.displayedStatus) - rank(b.displayedStatus) || a.name.localeCompare(b.name));
}

export function TransferDialog({ contactName, loadTargets, onTransfer, onClose }: Props) {
  const [targets, setTargets] = useState<TransferTargets | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [choice, setChoice] = useState<Choice>(null);
  const [mode, setMode] = useState<TransferMode>("blind");
  const [note, setNote] = useState("");
  const [filter, setFilter] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      loadTargets()
        .then((loaded) => !cancelled && (setTargets(loaded), setLoadError(null)))
        .catch((failure: unknown) => !cancelled && setLoadError(failure instanceof Error ? failure.message : String(failure)))
        .finally(() => {
          if (!cancelled) timer = setTimeout(load, TARGETS_REFRESH_MS);
        });
    };
    load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, []);

  const words = filter.toLowerCase().trim();
  const agents = sortAgents(targets?.agents ?? []).filter((a) => a.name.toLowerCase().includes(words));
  const queues = (targets?.queues ?? []).filter((q) => q.name.toLowerCase().includes(words));

  async function submit(event: Event) {
    event.preventDefault();
    if (choice === null) return setError("Choose an agent or a queue.");
    const name =
      choice.kind === "agent"
        ? (targets?.agents.find((a) => a.agentId === choice.id)?.name ?? choice.id)
        : (targets?.queues.find((q) => q.queueId === choice.id)?.name ?? choice.id);
    setBusy(true);
    setError(null);
    try {
      await onTransfer(choice.kind === "agent" ? { agentId: choice.id } : { queueId: choice.id }, mode, note, name);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  }

  return (
    <Modal id="transfer" title={`Transfer ${contactName}`} onClose={onClose}>
      <form class="modal__body" onSubmit={submit}>
        <div class="field">
          <label for="transfer-filter">Find an agent or a queue</label>
          <input
            id="transfer-filter"
            class="input"
            type="search"
            value={filter}
            autocomplete="off"
            onInput={(event) => setFilter((event.target as HTMLInputElement).value)}
          />
        </div>
        <fieldset class="choice-list transfer__targets" aria-busy={targets === null}>
          <legend class="visually-hidden">Destination</legend>
          {targets === null && !loadError && <p class="hint">Loading destinations…</p>}
          {loadError && <p class="hint">{`Destinations could not be loaded: ${loadError}`}</p>}
          {agents.length > 0 && (
            <p class="choice-group__heading" id="transfer-agents">
              Agents
            </p>
          )}
          {agents.map((agent) => (
            <label key={agent.agentId} class="choice">
              <input
                type="radio"
                name="transfer-target"
                checked={choice?.kind === "agent" && choice.id === agent.agentId}
                onChange={() => setChoice({ kind: "agent", id: agent.agentId })}
              />
              <span class="choice__label">{agent.name}</span>
              {isAgentStatus(agent.displayedStatus) ? (
                <StatusBadge status={agent.displayedStatus} />
              ) : (
                <span class="muted">{agent.displayedStatus}</span>
              )}
              <span class="muted" title="Active conversations of the agent's maximum">
                {agent.capacity > 0 ? `${agent.activeInteractions} / ${agent.capacity}` : ""}
              </span>
            </label>
          ))}
          {queues.length > 0 && <p class="choice-group__heading">Queues</p>}
          {queues.map((queue) => (
            <label key={queue.queueId} class="choice">
              <input
                type="radio"
                name="transfer-target"
                checked={choice?.kind === "queue" && choice.id === queue.queueId}
                onChange={() => setChoice({ kind: "queue", id: queue.queueId })}
              />
              <span class="choice__label">{queue.name}</span>
              <span class="muted">{`${queue.waiting} waiting · ${queue.agentsRoutable} agents available`}</span>
            </label>
          ))}
          {targets !== null && agents.length + queues.length === 0 && <p class="hint">No destination matches.</p>}
        </fieldset>
        <fieldset class="disposition__categories">
          <legend>How</legend>
          <label class="segmented">
            <input type="radio" name="transfer-mode" checked={mode === "blind"} onChange={() => setMode("blind")} />
            <span>Transfer now</span>
          </label>
          <label class="segmented">
            <input type="radio" name="transfer-mode" checked={mode === "attended"} onChange={() => setMode("attended")} />
            <span>Consult first</span>
          </label>
        </fieldset>
        <p class="hint">
          {mode === "blind"
            ? "The conversation moves at once."
            : "You stay on the conversation until you confirm the transfer (or cancel it)."}
        </p>
        <div class="field">
          <label for="transfer-note">Note for the next agent (optional)</label>
          <textarea
            id="transfer-note"
            class="input"
            rows={2}
            maxLength={LIMITS.note}
            value={note}
            onInput={(event) => setNote((event.target as HTMLTextAreaElement).value)}
          />
        </div>
        <p class="form__error" role="alert">
          {error ?? ""}
        </p>
        <div class="modal__actions">
          <button type="button" class="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" class="button button--primary" disabled={busy || choice === null}>
            {busy ? "Transferring…" : mode === "blind" ? "Transfer now" : "Start transfer"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
