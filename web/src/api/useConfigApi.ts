/**
 * The config API client for views: the `apiUrl` of the runtime configuration and the IdToken of the
 * signed-in session, both read from where the app keeps them (`/config.json`, the session in sessionStorage),
 * the token at each request so that renewed tokens are used.
 */

import { useEffect, useState } from "preact/hooks";
import { loadSession } from "../auth/session";
import { loadConfig } from "../config";
import type { ConfigApiClient } from "./configApi";

let apiUrlPromise: Promise<string> | null = null;

function apiUrl(): Promise<string> {
  apiUrlPromise ??= loadConfig().then(
    (config) => config.apiUrl,
    (error: unknown) => {
      apiUrlPromise = null; // let the next view try again
      throw error;
    },
  );
  return apiUrlPromise;
}

const currentIdToken = () => loadSession(sessionStorage, Date.now())?.idToken ?? null;

/** The client once the configuration is known (null until then), or the reason it could not be loaded. */
export function useConfigApi(): { client: ConfigApiClient | null; error: string | null } {
  const [state, setState] = useState<{ client: ConfigApiClient | null; error: string | null }>({
    client: null,
    error: null,
  });
  useEffect(() => {
    let cancelled = false;
    apiUrl()
      .then((url) => !cancelled && setState({ client: { apiUrl: url, idToken: currentIdToken }, error: null }))
      .catch((error: unknown) => {
        if (!cancelled) setState({ client: null, error: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      cancelled = true;
    };
  }, []);
  return state;
}
