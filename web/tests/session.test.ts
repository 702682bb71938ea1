import { describe, expect, it } from "vitest";
import { decodeJwtPayload, expiresAtMs } from "../src/auth/jwt";
import {
  clearSession,
  isExpired,
  loadSession,
  renewalDelayMs,
  renewedSession,
  saveSession,
  sessionFromTokens,
} from "../src/auth/session";
import { MemoryStorage, fakeJwt } from "./fakes";

const NOW = 1_700_000_000_000;

describe("jwt", () => {
  it("reads the claims, including non-ASCII text", () => {
    const token = fakeJwt({ sub: "u1", name: "Zoë Åberg", exp: 1_700_000_600 });
    expect(decodeJwtPayload(token)).toEqual({ sub: "u1", name: "Zoë Åberg", exp: 1_700_000_600 });
    expect(expiresAtMs(token)).toBe(1_700_000_600_000);
  });

  it("returns null for anything that is not a JWT", () => {
    expect(decodeJwtPayload("nope")).toBeNull();
    expect(decodeJwtPayload("a.!!!.c")).toBeNull();
    expect(expiresAtMs(fakeJwt({ sub: "u1" }))).toBeNull();
  });
});

describe("session", () => {
  const tokens = (idToken: string) => ({ idToken, accessToken: "access", refreshToken: "refresh", expiresIn: 3600 });

  it("expires when the IdToken's exp says so", () => {
    const session = sessionFromTokens("agent1", tokens(fakeJwt({ exp: NOW / 1000 + 60 })), NOW);
    expect(session.expiresAt).toBe(NOW + 60_000);
    expect(isExpired(session, NOW + 59_999)).toBe(false);
    expect(isExpired(session, NOW + 60_000)).toBe(true);
  });

  it("falls back to ExpiresIn when the token has no exp", () => {
    const session = sessionFromTokens("agent1", tokens(fakeJwt({})), NOW);
    expect(session.expiresAt).toBe(NOW + 3_600_000);
  });

  it("round-trips through storage and is removed on sign-out", () => {
    const storage = new MemoryStorage();
    const session = sessionFromTokens("agent1", tokens(fakeJwt({ exp: NOW / 1000 + 60 })), NOW);
    saveSession(storage, session);
    expect(loadSession(storage, NOW)).toEqual(session);
    clearSession(storage);
    expect(loadSession(storage, NOW)).toBeNull();
  });

  it("drops an expired session instead of handing it out", () => {
    const storage = new MemoryStorage();
    saveSession(storage, sessionFromTokens("agent1", tokens(fakeJwt({ exp: NOW / 1000 })), NOW));
    expect(loadSession(storage, NOW)).toBeNull();
    expect(storage.length).toBe(0);
  });

  it("drops a malformed session", () => {
    const storage = new MemoryStorage();
    storage.setItem("agentdesk.session", "{not json");
    expect(loadSession(storage, NOW)).toBeNull();
    storage.setItem("agentdesk.session", JSON.stringify({ username: "x" }));
    expect(loadSession(storage, NOW)).toBeNull();
    expect(storage.length).toBe(0);
  });
});

describe("renewal", () => {
  const session = (minutesLeft: number) =>
    sessionFromTokens(
      "agent1",
      { idToken: fakeJwt({ exp: NOW / 1000 + minutesLeft * 60 }), accessToken: "a", refreshToken: "r", expiresIn: 3600 },
      NOW,
    );

  it("renews five minutes before expiry", () => {
    expect(renewalDelayMs(session(60), NOW)).toBe(55 * 60_000);
  });

  it("renews half-way through what is left when less than ten minutes remain", () => {
    expect(renewalDelayMs(session(4), NOW)).toBe(2 * 60_000);
    expect(renewalDelayMs(session(0), NOW)).toBe(0);
  });

  it("keeps the RefreshToken, which Cognito does not send again", () => {
    const renewed = renewedSession(
      session(1),
      { idToken: fakeJwt({ exp: NOW / 1000 + 3600 }), accessToken: "a2", refreshToken: null, expiresIn: 3600 },
      NOW,
    );
    expect(renewed).toMatchObject({ username: "agent1", accessToken: "a2", refreshToken: "r", expiresAt: NOW + 3_600_000 });
  });
});
