/** Sign-in: username and password against Cognito, and a new password on first sign-in. */

import { useEffect, useRef, useState } from "preact/hooks";
import { SignInError, type SignInResult, setNewPassword, signIn } from "../auth/cognito";
import { type Session, sessionFromTokens } from "../auth/session";
import type { CognitoConfig } from "../config";

interface Props {
  cognito: CognitoConfig;
  /** Why the person is here again (signed out, session expired), shown above the form. */
  notice: string | null;
  onSignedIn: (session: Session) => void;
}

type Step = { kind: "credentials" } | { kind: "new-password"; username: string; session: string };

function describe(error: unknown): string {
  return error instanceof SignInError ? error.message : "Sign-in failed unexpectedly. Try again.";
}

export function SignInPage({ cognito, notice, onSignedIn }: Props) {
  const [step, setStep] = useState<Step>({ kind: "credentials" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    document.title = "Sign in · Agent Desk";
  }, []);

  function finish(result: SignInResult, username: string) {
    if (result.kind === "signed-in") {
      onSignedIn(sessionFromTokens(username, result.tokens, Date.now()));
    } else {
      setStep({ kind: "new-password", username: result.username, session: result.session });
    }
  }

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="signin" id="main">
      <div class="signin__panel">
        <p class="brand brand--large">
          <span class="brand__mark" aria-hidden="true">
            AD
          </span>
          Agent Desk
        </p>
        {step.kind === "credentials" ? (
          <CredentialsForm
            busy={busy}
            error={error}
            notice={notice}
            onSubmit={(username, password) =>
              run(async () => finish(await signIn(cognito, username, password), username))
            }
          />
        ) : (
          <NewPasswordForm
            busy={busy}
            error={error}
            onMismatch={() => setError("The two passwords do not match.")}
            onCancel={() => {
              setError(null);
              setStep({ kind: "credentials" });
            }}
            onSubmit={(password) =>
              run(async () => finish(await setNewPassword(cognito, step.username, password, step.session), step.username))
            }
          />
        )}
      </div>
    </main>
  );
}

interface CredentialsProps {
  busy: boolean;
  error: string | null;
  notice: string | null;
  onSubmit: (username: string, password: string) => void;
}

function CredentialsForm({ busy, error, notice, onSubmit }: CredentialsProps) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const usernameRef = useRef<HTMLInputElement>(null);

  useEffect(() => usernameRef.current?.focus(), []);

  return (
    <form
      class="card form"
      aria-labelledby="signin-title"
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) onSubmit(username.trim(), password);
      }}
    >
      <h1 id="signin-title">Sign in</h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <div class="field">
        <label for="username">Username</label>
        <input
          ref={usernameRef}
          id="username"
          name="username"
          type="text"
          autocomplete="username"
          autocapitalize="none"
          spellcheck={false}
          required
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
          aria-describedby={error ? "signin-error" : undefined}
        />
      </div>
      <div class="field">
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          aria-describedby={error ? "signin-error" : undefined}
          aria-invalid={error ? true : undefined}
        />
      </div>
      <ErrorMessage id="signin-error" error={error} />
      <button type="submit" class="button button--primary button--block" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

interface NewPasswordProps {
  busy: boolean;
  error: string | null;
  onSubmit: (password: string) => void;
  onMismatch: () => void;
  onCancel: () => void;
}

function NewPasswordForm({ busy, error, onSubmit, onMismatch, onCancel }: NewPasswordProps) {
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const firstRef = useRef<HTMLInputElement>(null);

  useEffect(() => firstRef.current?.focus(), []);

  return (
    <form
      class="card form"
      aria-labelledby="newpw-title"
      onSubmit={(event) => {
        event.preventDefault();
        if (busy) return;
        if (password !== confirm) onMismatch();
        else onSubmit(password);
      }}
    >
      <h1 id="newpw-title">Choose a new password</h1>
      <p class="hint">This is your first sign-in with a temporary password. Choose your own password to continue.</p>
      <div class="field">
        <label for="new-password">New password</label>
        <input
          ref={firstRef}
          id="new-password"
          type="password"
          autocomplete="new-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          aria-describedby={error ? "newpw-error" : undefined}
        />
      </div>
      <div class="field">
        <label for="confirm-password">Confirm new password</label>
        <input
          id="confirm-password"
          type="password"
          autocomplete="new-password"
          required
          value={confirm}
          onInput={(e) => setConfirm(e.currentTarget.value)}
          aria-describedby={error ? "newpw-error" : undefined}
        />
      </div>
      <ErrorMessage id="newpw-error" error={error} />
      <div class="form__actions">
        <button type="button" class="button" onClick={onCancel} disabled={busy}>
          Back
        </button>
        <button type="submit" class="button button--primary" disabled={busy}>
          {busy ? "Saving…" : "Set password and sign in"}
        </button>
      </div>
    </form>
  );
}

/** Always in the DOM (empty when there is nothing to say) so screen readers announce the text when it appears. */
function ErrorMessage({ id, error }: { id: string; error: string | null }) {
  return (
    <p id={id} class="form__error" role="alert">
      {error ?? ""}
    </p>
  );
}
