/**
 * The signed-in app: header (product, navigation, connection, user, sign-out) around the current view.
 * Owns the session's one WebSocket connection and asks the server who the user is on every connect.
 */

import { useEffect, useMemo, useState } from "preact/hooks";
import { type Session, isExpired } from "../auth/session";
import type { RuntimeConfig } from "../config";
import { type ConnectionStatus, DeskConnection, RequestError } from "../realtime/connection";
import { type Role, type User, parseUser } from "../realtime/protocol";
import { resolveRoute, routesFor } from "../routes";
import { ConnectionContext } from "./connectionContext";
import { ConnectionIndicator } from "./ConnectionIndicator";

interface Props {
  config: RuntimeConfig;
  session: Session;
  onSignOut: (notice: string | null) => void;
}

const EXPIRED_NOTICE = "Your session has expired. Sign in again.";
// setTimeout fires at once for delays beyond a signed 32-bit int; tokens never live that long anyway.
const MAX_TIMER_MS = 2 ** 31 - 1;

const ROLE_LABELS: Record<Role, string> = { agent: "Agent", supervisor: "Supervisor", admin: "Admin" };

export function socketUrl(wsUrl: string, idToken: string): string {
  const url = new URL(wsUrl);
  url.searchParams.set("token", idToken);
  return url.toString();
}

function currentHashPath(): string {
  return location.hash.replace(/^#/, "") || "/";
}

function useHashPath(): string {
  const [path, setPath] = useState(currentHashPath);
  useEffect(() => {
    const changed = () => setPath(currentHashPath());
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return path;
}

export function Shell({ config, session, onSignOut }: Props) {
  const connection = useMemo(
    () =>
      new DeskConnection({
        url: () => socketUrl(config.wsUrl, session.idToken),
        isSessionValid: () => !isExpired(session, Date.now()),
      }),
    [config, session],
  );
  const [status, setStatus] = useState<ConnectionStatus>(connection.status);
  const [user, setUser] = useState<User | null>(null);
  const [identityError, setIdentityError] = useState<string | null>(null);

  useEffect(() => {
    const offStatus = connection.onStatus((next) => {
      setStatus(next);
      if (next.state === "connected") {
        connection
          .request("whoami", {})
          .then((ack) => {
            const who = parseUser(ack.user);
            setUser(who);
            setIdentityError(who ? null : "The server sent an identity Agent Desk cannot read.");
          })
          .catch((error: unknown) => {
            // A lost connection is already shown by the indicator; whoami runs again on the next connect.
            if (error instanceof RequestError && error.code === "DISCONNECTED") return;
            setIdentityError(error instanceof Error ? error.message : String(error));
          });
      } else if (next.state === "expired") {
        onSignOut(EXPIRED_NOTICE);
      }
    });
    connection.start();
    const expiry = setTimeout(
      () => onSignOut(EXPIRED_NOTICE),
      Math.min(MAX_TIMER_MS, Math.max(0, session.expiresAt - Date.now())),
    );
    return () => {
      offStatus();
      clearTimeout(expiry);
      connection.stop();
    };
  }, [connection]);

  return (
    <ConnectionContext.Provider value={connection}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <div class="topbar__inner">
          <p class="brand">
            <span class="brand__mark" aria-hidden="true">
              AD
            </span>
            Agent Desk
          </p>
          {user && <Navigation role={user.role} />}
          <div class="topbar__end">
            <ConnectionIndicator status={status} onRetryNow={() => connection.retryNow()} />
            <div class="user" aria-label="Signed-in user">
              <span class="user__name">{user?.name ?? session.username}</span>
              {user && <span class="user__role">{ROLE_LABELS[user.role]}</span>}
            </div>
            <button type="button" class="button button--quiet" onClick={() => onSignOut("You have signed out.")}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" class="content" tabIndex={-1}>
        {identityError && (
          <p class="banner banner--error" role="alert">
            {identityError}
          </p>
        )}
        {user ? (
          <CurrentView role={user.role} />
        ) : (
          !identityError && (
            <p class="content__placeholder" aria-busy="true">
              Connecting to Agent Desk…
            </p>
          )
        )}
      </main>
    </ConnectionContext.Provider>
  );
}

function Navigation({ role }: { role: Role }) {
  const path = useHashPath();
  const active = resolveRoute(path, role);
  const routes = routesFor(role);
  if (routes.length < 2) return null;
  return (
    <nav class="nav" aria-label="Main">
      <ul>
        {routes.map((route) => (
          <li key={route.path}>
            <a href={`#${route.path}`} aria-current={route === active ? "page" : undefined}>
              {route.title}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function CurrentView({ role }: { role: Role }) {
  const path = useHashPath();
  const route = resolveRoute(path, role);
  useEffect(() => {
    if (route.path !== path) history.replaceState(null, "", `#${route.path}`);
    document.title = `${route.title} · Agent Desk`;
  }, [route, path]);
  const View = route.view;
  return <View />;
}
