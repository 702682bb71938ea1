/** The top of the app: load the runtime config, then show sign-in or the signed-in shell. */

import { useCallback, useEffect, useState } from "preact/hooks";
import { type Session, clearSession, loadSession, saveSession } from "../auth/session";
import { type RuntimeConfig, loadConfig } from "../config";
import { Shell } from "./Shell";
import { SignInPage } from "./SignInPage";

type AppState =
  | { phase: "loading" }
  | { phase: "config-error"; message: string }
  | { phase: "signed-out"; config: RuntimeConfig; notice: string | null }
  | { phase: "signed-in"; config: RuntimeConfig; session: Session };

export function App() {
  const [state, setState] = useState<AppState>({ phase: "loading" });

  useEffect(() => {
    loadConfig()
      .then((config) => {
        const session = loadSession(sessionStorage, Date.now());
        setState(session ? { phase: "signed-in", config, session } : { phase: "signed-out", config, notice: null });
      })
      .catch((error: unknown) => {
        setState({ phase: "config-error", message: error instanceof Error ? error.message : String(error) });
      });
  }, []);

  const signedIn = useCallback((config: RuntimeConfig, session: Session) => {
    saveSession(sessionStorage, session);
    setState({ phase: "signed-in", config, session });
  }, []);

  const sessionRenewed = useCallback((config: RuntimeConfig, session: Session) => {
    saveSession(sessionStorage, session);
    setState((current) => (current.phase === "signed-in" ? { phase: "signed-in", config, session } : current));
  }, []);

  const signOut = useCallback((config: RuntimeConfig, notice: string | null) => {
    clearSession(sessionStorage);
    setState({ phase: "signed-out", config, notice });
  }, []);

  switch (state.phase) {
    case "loading":
      return (
        <main class="splash" aria-busy="true">
          <p>Loading Agent Desk…</p>
        </main>
      );
    case "config-error":
      return (
        <main class="splash">
          <div class="card" role="alert">
            <h1>Agent Desk cannot start</h1>
            <p>{state.message}</p>
            <button type="button" class="button" onClick={() => location.reload()}>
              Reload
            </button>
          </div>
        </main>
      );
    case "signed-out":
      return (
        <SignInPage
          cognito={state.config.cognito}
          notice={state.notice}
          onSignedIn={(session) => signedIn(state.config, session)}
        />
      );
    case "signed-in":
      return (
        <Shell
          key={state.session.username}
          config={state.config}
          session={state.session}
          onSessionRenewed={(session) => sessionRenewed(state.config, session)}
          onSignOut={(notice) => signOut(state.config, notice)}
        />
      );
  }
}
