/** Views reach the session's connection through this context: `useConnection().request(...)`, `.on(...)`. */

import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { DeskConnection } from "../realtime/connection";

export const ConnectionContext = createContext<DeskConnection | null>(null);

export function useConnection(): DeskConnection {
  const connection = useContext(ConnectionContext);
  if (connection === null) throw new Error("useConnection() is only available inside the signed-in shell");
  return connection;
}
