/**
 * The signed-in app: header (product, navigation, connection, user, sign-out) around the current view.
 * Owns the session's one WebSocket connection and asks the server who the user is on every connect.
 */

import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { SignInError, refreshTokens } from "../auth/cognito";
import { type Session, isExpired, renewalDelayMs, renewedSession } from "../auth/session";
import type { RuntimeConfig } from "../config";
import { type ConnectionStatus, DeskConnection, RequestError } from "../realtime/connection";
import { KEEPALIVE_MS, type Role, type User, endsSignIn, parseSessionEnded, parseUser } from "../realtime/protocol";
import { resolveRoute, routesFor } from "../routes";
import { ConnectionContext } from "./connectionContext";
import { ConnectionIndicator } from "./ConnectionIndicator";

interface Props {
  config: RuntimeConfig;
  session: Session;
  /** The tokens were renewed: store the new session (the connection uses it from its next attempt). */
  onSessionRenewed: (session: Session) => void;
  onSignOut: (notice: string | null) => void;
}

const EXPIRED_NOTICE = "Your session has expired. Sign in again.";
// After a renewal that failed for a passing reason (network, throttling), try again this much later.
const RENEW_RETRY_MS = 30_000;
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
    changed(); // the address may have changed between the first render and now: no event would tell
    return () => removeEventListener("hashchange", changed);
  }, []);
  return path;
}

/** Renew the tokens shortly before they expire, for as long as the RefreshToken is accepted. */
function useTokenRenewal(config: RuntimeConfig, session: Session, onRenewed: (session: Session) => void): void {
  useEffect(() => {
    const refreshToken = session.refreshToken;
    if (refreshToken === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let cancelled = false;
    const renew = () => {
      refreshTokens(config.cognito, refreshToken)
        .then((tokens) => {
          if (!cancelled) onRenewed(renewedSession(session, tokens, Date.now()));
        })
        .catch((error: unknown) => {
          // A refused RefreshToken (revoked, expired) ends the session at its expiry; anything else is retried.
          const refused = error instanceof SignInError && error.code === "NotAuthorizedException";
          if (!cancelled && !refused && !isExpired(session, Date.now() + RENEW_RETRY_MS)) {
            timer = setTimeout(renew, RENEW_RETRY_MS);
          }
        });
    };
    timer = setTimeout(renew, Math.min(MAX_TIMER_MS, renewalDelayMs(session, Date.now())));
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [session]);
}

export function Shell({ config, session, onSessionRenewed, onSignOut }: Props) {
  // The connection lives as long as the shell; it reads the latest (possibly renewed) session per attempt.
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const connection = useMemo(
    () =>
      new DeskConnection({
        url: () => socketUrl(config.wsUrl, sessionRef.current.idToken),
        isSessionValid: () => !isExpired(sessionRef.current, Date.now()),
      }),
    [config],
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
    return () => {
      offStatus();
      connection.stop();
    };
  }, [connection]);

  useTokenRenewal(config, session, onSessionRenewed);

  // The server ends the session when an admin deletes or disables the account (sign out, saying why) or
  // changes the user's role (renew the tokens so they carry the new group; the connection reconnects and
  // whoami brings the new role and its views).
  useEffect(
    () =>
      connection.on("session.ended", (push) => {
        const ended = parseSessionEnded(push);
        if (ended === null) return;
        if (endsSignIn(ended.reason)) {
          connection.stop();
          onSignOut(ended.message);
          return;
        }
        setUser(null);
        const refreshToken = sessionRef.current.refreshToken;
        if (refreshToken === null) return;
        refreshTokens(config.cognito, refreshToken)
          .then((tokens) => onSessionRenewed(renewedSession(sessionRef.current, tokens, Date.now())))
          .catch(() => undefined); // the renewal timer tries again; the current token still works
      }),
    [connection],
  );

  useEffect(() => {
    const keepalive = setInterval(() => {
      // A failed ping needs no handling: a dead socket closes and the connection reconnects on its own.
      if (connection.status.state === "connected") connection.request("ping", {}).catch(() => undefined);
    }, KEEPALIVE_MS);
    return () => clearInterval(keepalive);
  }, [connection]);

  useEffect(() => {
    const expiry = setTimeout(
      () => onSignOut(EXPIRED_NOTICE),
      Math.min(MAX_TIMER_MS, Math.max(0, session.expiresAt - Date.now())),
    );
    return () => clearTimeout(expiry);
  }, [session.expiresAt]);

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
    // Only when the address is still the one rendered: one it moved to since is the listener's to bring.
    if (route.path !== path && currentHashPath() === path) history.replaceState(null, "", `#${route.path}`);
    document.title = `${route.title} · Agent Desk`;
  }, [route, path]);
  useEffect(() => {
    // After sign-in or a change of view, keyboard and screen-reader users start at the new content.
    document.getElementById("main")?.focus({ preventScroll: true });
  }, [route]);
  const View = route.view;
  return <View />;
}
