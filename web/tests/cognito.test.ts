import { describe, expect, it } from "vitest";
import { SignInError, refreshTokens, setNewPassword, signIn } from "../src/auth/cognito";
import type { CognitoConfig } from "../src/config";

const cognito: CognitoConfig = {
  userPoolId: "us-east-1_pool",
  clientId: "client-123",
  endpoint: "http://127.0.0.1:4566/",
};

interface Call {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

function fakeFetch(status: number, body: unknown, calls: Call[] = []): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({
      url: String(input),
      headers: init?.headers as Record<string, string>,
      body: JSON.parse(String(init?.body)) as Record<string, unknown>,
    });
    return new Response(typeof body === "string" ? body : JSON.stringify(body), {
      status,
      headers: { "Content-Type": "application/x-amz-json-1.1" },
    });
  }) as typeof fetch;
}

const tokens = {
  AuthenticationResult: {
    IdToken: "id.token.sig",
    AccessToken: "access.token.sig",
    RefreshToken: "refresh",
    ExpiresIn: 3600,
    TokenType: "Bearer",
  },
};

describe("signIn", () => {
  it("calls InitiateAuth with USER_PASSWORD_AUTH and returns the tokens", async () => {
    const calls: Call[] = [];
    const result = await signIn(cognito, "agent1", "s3cret!", fakeFetch(200, tokens, calls));
    expect(calls).toEqual([
      {
        url: "http://127.0.0.1:4566/",
        headers: {
          "Content-Type": "application/x-amz-json-1.1",
          "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
        },
        body: {
          AuthFlow: "USER_PASSWORD_AUTH",
          ClientId: "client-123",
          AuthParameters: { USERNAME: "agent1", PASSWORD: "s3cret!" },
        },
      },
    ]);
    expect(result).toEqual({
      kind: "signed-in",
      tokens: { idToken: "id.token.sig", accessToken: "access.token.sig", refreshToken: "refresh", expiresIn: 3600 },
    });
  });

  it.each([
    ["NotAuthorizedException", "Incorrect username or password.", "Incorrect username or password."],
    ["com.amazonaws.cognito#NotAuthorizedException", "whatever", "Incorrect username or password."],
    ["UserNotFoundException", "User does not exist.", "Incorrect username or password."],
    ["NotAuthorizedException", "Password attempts exceeded", "Too many failed attempts. Wait a few minutes and try again."],
    ["TooManyRequestsException", "Rate exceeded", "Too many attempts. Wait a minute and try again."],
    ["InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client", "USER_PASSWORD_AUTH flow not enabled for this client"],
  ])("turns %s into a readable message", async (type, message, expected) => {
    const error = await signIn(cognito, "a", "b", fakeFetch(400, { __type: type, message })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInError);
    expect((error as SignInError).message).toBe(expected);
    expect((error as SignInError).code).toBe(type.split("#").pop());
  });

  it("reports a network failure as such", async () => {
    const failing = (async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof fetch;
    await expect(signIn(cognito, "a", "b", failing)).rejects.toMatchObject({
      code: "NetworkError",
      message: "Cannot reach the sign-in service. Check your connection and try again.",
    });
  });

  it("reports an unreadable error body with a generic message", async () => {
    await expect(signIn(cognito, "a", "b", fakeFetch(502, "<html>Bad gateway</html>"))).rejects.toMatchObject({
      message: "Sign-in failed. Try again.",
    });
  });

  it("returns the NEW_PASSWORD_REQUIRED challenge", async () => {
    const challenge = {
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      Session: "session-1",
      ChallengeParameters: { USER_ID_FOR_SRP: "agent1", requiredAttributes: "[]" },
    };
    await expect(signIn(cognito, "agent1", "temp", fakeFetch(200, challenge))).resolves.toEqual({
      kind: "new-password-required",
      username: "agent1",
      session: "session-1",
    });
  });

  it("refuses challenges it cannot answer with a clear message", async () => {
    const challenge = { ChallengeName: "SMS_MFA", Session: "s" };
    await expect(signIn(cognito, "a", "b", fakeFetch(200, challenge))).rejects.toMatchObject({
      code: "UnsupportedChallenge",
    });
  });
});

describe("setNewPassword", () => {
  it("answers the challenge with RespondToAuthChallenge", async () => {
    const calls: Call[] = [];
    const result = await setNewPassword(cognito, "agent1", "N3w-password!", "session-1", fakeFetch(200, tokens, calls));
    expect(calls[0]?.headers["X-Amz-Target"]).toBe("AWSCognitoIdentityProviderService.RespondToAuthChallenge");
    expect(calls[0]?.body).toEqual({
      ChallengeName: "NEW_PASSWORD_REQUIRED",
      ClientId: "client-123",
      Session: "session-1",
      ChallengeResponses: { USERNAME: "agent1", NEW_PASSWORD: "N3w-password!" },
    });
    expect(result.kind).toBe("signed-in");
  });

  it("shows the password policy message", async () => {
    const body = { __type: "InvalidPasswordException", message: "Password does not conform to policy: Password not long enough" };
    await expect(setNewPassword(cognito, "a", "short", "s", fakeFetch(400, body))).rejects.toMatchObject({
      message: "Password does not conform to policy: Password not long enough",
    });
  });
});

describe("refreshTokens", () => {
  it("renews with REFRESH_TOKEN_AUTH", async () => {
    const calls: Call[] = [];
    const renewed = { AuthenticationResult: { IdToken: "id2", AccessToken: "access2", ExpiresIn: 3600 } };
    const result = await refreshTokens(cognito, "refresh", fakeFetch(200, renewed, calls));
    expect(calls[0]?.body).toEqual({
      AuthFlow: "REFRESH_TOKEN_AUTH",
      ClientId: "client-123",
      AuthParameters: { REFRESH_TOKEN: "refresh" },
    });
    expect(result).toEqual({ idToken: "id2", accessToken: "access2", refreshToken: null, expiresIn: 3600 });
  });

  it("reports a refused RefreshToken as NotAuthorizedException", async () => {
    const body = { __type: "NotAuthorizedException", message: "Refresh Token has expired" };
    await expect(refreshTokens(cognito, "old", fakeFetch(400, body))).rejects.toMatchObject({
      code: "NotAuthorizedException",
    });
  });
});
