/**
 * The workspace's interactions for views: one InteractionsFeed per connection, the agent's local settings
 * (auto-answer) and the predefined tags and canned messages from the config API (reloaded when an admin
 * changes them and after a reconnect).
 */

import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ConfigApiClient } from "../api/configApi";
import { useConfigApi } from "../api/useConfigApi";
import { useConnection } from "../ui/connectionContext";
import { browserBeep } from "./beep";
import { type CannedMessage, fetchCannedMessages, fetchTags } from "./configData";
import { InteractionsFeed } from "./feed";
import { interactionConnection } from "./protocol";
import { type AgentSettings, browserStorage, loadSettings, saveSettings } from "./settings";
import { EMPTY_STATE, type InteractionsState } from "./store";

export function useInteractions(): {
  state: InteractionsState;
  feed: InteractionsFeed;
  connected: boolean;
  listError: string | null;
  settings: AgentSettings;
  changeSettings: (settings: AgentSettings) => Promise<void>;
  autoAnswerProblem: string | null;
} {
  const connection = useConnection();
  const [settings, setSettings] = useState<AgentSettings>(() => loadSettings(browserStorage()));
  const settingsRef = useRef(settings);
  settingsRef.current = settings;
  const [state, setState] = useState<InteractionsState>(EMPTY_STATE);
  const [, setGeneration] = useState(0);
  const feed = useMemo(
    () =>
      new InteractionsFeed(
        interactionConnection(connection),
        (next) => {
          setState(next);
          setGeneration((n) => n + 1); // connection and list error live on the feed
        },
        {
          autoAnswer: () => (settingsRef.current.chosen ? settingsRef.current.autoAnswer : null),
          cue: browserBeep,
        },
      ),
    [connection],
  );
  useEffect(() => {
    feed.start();
    return () => feed.stop();
  }, [feed]);
  const changeSettings = async (next: AgentSettings) => {
    const chosen = { ...next, chosen: true };
    saveSettings(browserStorage(), chosen);
    setSettings(chosen);
    await feed.setAutoAnswer(chosen.autoAnswer);
  };
  return {
    state,
    feed,
    connected: feed.isConnected,
    listError: feed.listError,
    settings,
    changeSettings,
    autoAnswerProblem: feed.autoAnswerProblem,
  };
}

export interface ConfigLists {
  client: ConfigApiClient | null;
  tags: string[];
  canned: CannedMessage[] | null;
  error: string | null;
}

const KINDS = new Set(["tag", "cannedMessage", "dispositionSet"]);

export function useConfigLists(): ConfigLists {
  const connection = useConnection();
  const { client, error: configError } = useConfigApi();
  const [tags, setTags] = useState<string[]>([]);
  const [canned, setCanned] = useState<CannedMessage[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const offChange = connection.on("config.changed", (push) => {
      if (typeof push["kind"] === "string" && KINDS.has(push["kind"])) setGeneration((n) => n + 1);
    });
    let wasConnected = connection.status.state === "connected";
    const offStatus = connection.onStatus((status) => {
      const connected = status.state === "connected";
      if (connected && !wasConnected) setGeneration((n) => n + 1);
      wasConnected = connected;
    });
    return () => {
      offChange();
      offStatus();
    };
  }, [connection]);

  useEffect(() => {
    if (client === null) return;
    let cancelled = false;
    fetchCannedMessages(client)
      .then((items) => !cancelled && (setCanned(items), setError(null)))
      .catch((failure: unknown) => !cancelled && setError(failure instanceof Error ? failure.message : String(failure)));
    // Predefined tags are optional: without them the agent still types free tags.
    fetchTags(client)
      .then((items) => !cancelled && setTags(items))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [client, generation]);

  return { client, tags, canned, error: error ?? configError };
}
