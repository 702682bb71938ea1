/**
 * Sign-in against Cognito's own API (USER_PASSWORD_AUTH), called straight from the browser.
 * Errors come back as SignInError with a message a person can act on.
 */

import type { CognitoConfig } from "../config";

export interface Tokens {
  idToken: string;
  accessToken: string;
  refreshToken: string | null;
  /** Lifetime of the IdToken and AccessToken in seconds, as Cognito reported it. */
  expiresIn: number;
}

export type SignInResult =
  | { kind: "signed-in"; tokens: Tokens }
  /** First sign-in with a temporary password: Cognito wants a new one before it issues tokens. */
  | { kind: "new-password-required"; username: string; session: string };

export class SignInError extends Error {
  override readonly name = "SignInError";

  constructor(
    /** Cognito's exception name (e.g. NotAuthorizedException), or NetworkError / UnexpectedResponse. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TARGET_PREFIX = "AWSCognitoIdentityProviderService.";

/** What to tell the person for each Cognito exception; anything else shows Cognito's own message. */
const MESSAGES: Record<string, string> = {
  NotAuthorizedException: "Incorrect username or password.",
  UserNotFoundException: "Incorrect username or password.",
  PasswordResetRequiredException: "Your password has to be reset. Ask your administrator for a new one.",
  UserNotConfirmedException: "Your account is not confirmed yet. Ask your administrator.",
  TooManyRequestsException: "Too many attempts. Wait a minute and try again.",
  LimitExceededException: "Too many attempts. Wait a minute and try again.",
  ResourceNotFoundException: "Sign-in is not set up correctly (unknown app client). Contact your administrator.",
};

function exceptionName(type: unknown): string {
  // Cognito sends either the bare name or "com.amazonaws...#Name".
  return typeof type === "string" ? (type.split("#").pop() ?? type) : "UnknownError";
}

function messageFor(code: string, serverMessage: string): string {
  if (code === "NotAuthorizedException" && /attempts exceeded/i.test(serverMessage)) {
    return "Too many failed attempts. Wait a few minutes and try again.";
  }
  if (code === "InvalidPasswordException") return serverMessage || "That password does not meet the password policy.";
  return MESSAGES[code] ?? (serverMessage || "Sign-in failed. Try again.");
}

async function call(
  cognito: CognitoConfig,
  operation: string,
  body: Record<string, unknown>,
  fetchFn: typeof fetch,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetchFn(cognito.endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": TARGET_PREFIX + operation,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new SignInError("NetworkError", "Cannot reach the sign-in service. Check your connection and try again.");
  }
  let payload: unknown = null;
  try {
    payload = await response.json();
  } catch {
    // An empty or non-JSON body is reported below.
  }
  const data = typeof payload === "object" && payload !== null ? (payload as Record<string, unknown>) : {};
  if (!response.ok) {
    const code = exceptionName(data["__type"] ?? response.headers.get("x-amzn-ErrorType"));
    const serverMessage = typeof data["message"] === "string" ? data["message"] : "";
    throw new SignInError(code, messageFor(code, serverMessage));
  }
  if (payload === null) {
    throw new SignInError("UnexpectedResponse", "The sign-in service sent an unreadable answer. Try again.");
  }
  return data;
}

function readResult(data: Record<string, unknown>, username: string): SignInResult {
  const result = data["AuthenticationResult"];
  if (typeof result === "object" && result !== null) {
    const r = result as Record<string, unknown>;
    const idToken = r["IdToken"];
    const accessToken = r["AccessToken"];
    if (typeof idToken === "string" && typeof accessToken === "string") {
      return {
        kind: "signed-in",
        tokens: {
          idToken,
          accessToken,
          refreshToken: typeof r["RefreshToken"] === "string" ? r["RefreshToken"] : null,
          expiresIn: typeof r["ExpiresIn"] === "number" ? r["ExpiresIn"] : 3600,
        },
      };
    }
  }
  const challenge = data["ChallengeName"];
  const session = data["Session"];
  if (challenge === "NEW_PASSWORD_REQUIRED" && typeof session === "string") {
    const parameters = (data["ChallengeParameters"] ?? {}) as Record<string, unknown>;
    const challengeUser = parameters["USER_ID_FOR_SRP"];
    return {
      kind: "new-password-required",
      username: typeof challengeUser === "string" && challengeUser !== "" ? challengeUser : username,
      session,
    };
  }
  if (typeof challenge === "string") {
    throw new SignInError(
      "UnsupportedChallenge",
      `Your account needs a sign-in step Agent Desk does not support yet (${challenge}). Contact your administrator.`,
    );
  }
  throw new SignInError("UnexpectedResponse", "The sign-in service sent an unexpected answer. Try again.");
}

export async function signIn(
  cognito: CognitoConfig,
  username: string,
  password: string,
  fetchFn: typeof fetch = fetch,
): Promise<SignInResult> {
  const data = await call(
    cognito,
    "InitiateAuth",
    { AuthFlow: "USER_PASSWORD_AUTH", ClientId: cognito.clientId, AuthParameters: { USERNAME: username, PASSWORD: password } },
    fetchFn,
  );
  return readResult(data, username);
}

/** Answer the NEW_PASSWORD_REQUIRED challenge with the password the person chose. */
export async function setNewPassword(
  cognito: CognitoConfig,
  username: string,
  newPassword: string,
  session: string,
  fetchFn: typeof fetch = fetch,
): Promise<SignInResult> {
  const data = await call(
    cognito,
    "RespondToAuthChallenge",
    {
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      ClientId: cognito.clientId,
      Session: session,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD: newPassword },
    },
    fetchFn,
  );
  return readResult(data, username);
}

/** New IdToken and AccessToken for a signed-in session (REFRESH_TOKEN_AUTH); the RefreshToken stays the same. */
export async function refreshTokens(
  cognito: CognitoConfig,
  refreshToken: string,
  fetchFn: typeof fetch = fetch,
): Promise<Tokens> {
  const data = await call(
    cognito,
    "InitiateAuth",
    { AuthFlow: "REFRESH_TOKEN_AUTH", ClientId: cognito.clientId, AuthParameters: { REFRESH_TOKEN: refreshToken } },
    fetchFn,
  );
  const result = readResult(data, "");
  if (result.kind !== "signed-in") {
    throw new SignInError("UnexpectedResponse", "The sign-in service asked for a new password during renewal.");
  }
  return result.tokens;
}
