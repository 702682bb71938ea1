/**
 * The configured pause codes for a view: loaded from the config API when the view opens, again when an
 * admin changes one (`config.changed` with kind "pauseCode") and after a reconnect (a change may have
 * been missed while the connection was down).
 */

import { useEffect, useState } from "preact/hooks";
import { fetchPauseCodes } from "../api/configApi";
import { useConfigApi } from "../api/useConfigApi";
import { useConnection } from "../ui/connectionContext";
import type { PauseCode } from "./pauseCodes";

export interface PauseCodesState {
  /** null until the first load succeeds. */
  codes: PauseCode[] | null;
  error: string | null;
  reload: () => void;
}

export function usePauseCodes(): PauseCodesState {
  const connection = useConnection();
  const { client, error: configError } = useConfigApi();
  const [codes, setCodes] = useState<PauseCode[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const reload = () => setGeneration((n) => n + 1);

  useEffect(() => {
    const offChange = connection.on("config.changed", (push) => {
      if (push["kind"] === "pauseCode") reload();
    });
    let wasConnected = connection.status.state === "connected";
    const offStatus = connection.onStatus((status) => {
      const connected = status.state === "connected";
      if (connected && !wasConnected) reload();
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
    fetchPauseCodes(client)
      .then((loaded) => {
        if (cancelled) return;
        setCodes(loaded);
        setError(null);
      })
      .catch((failure: unknown) => {
        if (!cancelled) setError(failure instanceof Error ? failure.message : String(failure));
      });
    return () => {
      cancelled = true;
    };
  }, [client, generation]);

  return { codes, error: error ?? configError, reload };
}
