/**
 * What every section of the admin console shares: the HTTP client, whether the signed-in user may change
 * anything (admins) or only look (supervisors), and the lists the pickers offer (teams, sites, skills, ...),
 * each loaded once when first needed and reloaded after a section changes that collection.
 */

import { createContext } from "preact";
import { useCallback, useContext, useEffect, useRef, useState } from "preact/hooks";
import type { ConfigHttp } from "./http";
import { type CollectionName, PATHS } from "./resources";

export interface LookupState {
  items: unknown[] | null;
  error: string | null;
}

export interface Lookups {
  state: Partial<Record<CollectionName, LookupState>>;
  /** Load a collection for pickers unless it is loaded or loading. */
  need: (name: CollectionName) => void;
  /** A section changed this collection: reload it if anyone has loaded it. */
  changed: (name: CollectionName) => void;
}

export interface AdminContextValue {
  http: ConfigHttp;
  canEdit: boolean;
  lookups: Lookups;
}

export const AdminContext = createContext<AdminContextValue | null>(null);

export function useAdmin(): AdminContextValue {
  const value = useContext(AdminContext);
  if (value === null) throw new Error("useAdmin() outside the admin console");
  return value;
}

/** The pickers' lists, for the console to put into the context. */
export function useLookupStore(http: ConfigHttp | null): Lookups {
  const [state, setState] = useState<Partial<Record<CollectionName, LookupState>>>({});
  const requested = useRef(new Set<CollectionName>());

  const load = useCallback(
    (name: CollectionName) => {
      if (http === null) return;
      requested.current.add(name);
      http
        .listAll<unknown>(PATHS[name])
        .then((items) => setState((current) => ({ ...current, [name]: { items, error: null } })))
        .catch((error: unknown) =>
          setState((current) => ({
            ...current,
            [name]: {
              items: current[name]?.items ?? null,
              error: error instanceof Error ? error.message : String(error),
            },
          })),
        );
    },
    [http],
  );

  const need = useCallback(
    (name: CollectionName) => {
      if (!requested.current.has(name)) load(name);
    },
    [load],
  );

  const changed = useCallback(
    (name: CollectionName) => {
      if (requested.current.has(name)) load(name);
    },
    [load],
  );

  return { state, need, changed };
}

/** The items of a collection for a picker; null while loading. */
export function useLookup<T>(name: CollectionName): T[] | null {
  const { lookups } = useAdmin();
  useEffect(() => lookups.need(name), [name]);
  return (lookups.state[name]?.items as T[] | undefined) ?? null;
}
