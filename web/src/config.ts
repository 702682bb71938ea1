/**
 * Runtime configuration, fetched from `/config.json` on the app's own origin at start.
 * The same build runs against the local stack and any AWS deployment; nothing here is baked in.
 */

export interface CognitoConfig {
  userPoolId: string;
  clientId: string;
  /** The Cognito Identity Provider endpoint, e.g. https://cognito-idp.us-east-1.amazonaws.com/ */
  endpoint: string;
}

export interface RuntimeConfig {
  /** The WebSocket API, ws:// locally and wss:// in AWS. */
  wsUrl: string;
  /** The HTTP API (config/admin). */
  apiUrl: string;
  region: string;
  cognito: CognitoConfig;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

function text(source: Record<string, unknown>, key: string, where: string): string {
  const value = source[key];
  if (typeof value !== "string" || value.trim() === "") {
    throw new ConfigError(`${where}${key} is missing or not a string.`);
  }
  return value;
}

/** Check the shape of a parsed config document; throws ConfigError naming the first bad field. */
export function parseConfig(value: unknown): RuntimeConfig {
  if (typeof value !== "object" || value === null) throw new ConfigError("The configuration is not a JSON object.");
  const root = value as Record<string, unknown>;
  const cognito = root["cognito"];
  if (typeof cognito !== "object" || cognito === null) throw new ConfigError("cognito is missing.");
  const pool = cognito as Record<string, unknown>;
  const config: RuntimeConfig = {
    wsUrl: text(root, "wsUrl", ""),
    apiUrl: text(root, "apiUrl", ""),
    region: text(root, "region", ""),
    cognito: {
      userPoolId: text(pool, "userPoolId", "cognito."),
      clientId: text(pool, "clientId", "cognito."),
      endpoint: text(pool, "endpoint", "cognito."),
    },
  };
  if (!/^wss?:\/\//.test(config.wsUrl)) throw new ConfigError("wsUrl must start with ws:// or wss://.");
  if (!/^https?:\/\//.test(config.cognito.endpoint)) {
    throw new ConfigError("cognito.endpoint must start with http:// or https://.");
  }
  return config;
}

export async function loadConfig(fetchFn: typeof fetch = fetch): Promise<RuntimeConfig> {
  let response: Response;
  try {
    response = await fetchFn("/config.json", { cache: "no-store", headers: { Accept: "application/json" } });
  } catch {
    throw new ConfigError("The configuration could not be fetched; check the connection and reload.");
  }
  if (!response.ok) throw new ConfigError(`The configuration could not be loaded (HTTP ${response.status}).`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ConfigError("The configuration is not valid JSON.");
  }
  return parseConfig(body);
}
