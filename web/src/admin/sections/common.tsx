/** Small pieces the sections share: names of referenced items, picker options, "none" cells. */

import type { Option } from "../fields";
import { supportedTimeZones } from "../validation";

export const NONE = "—";

interface Named {
  id: string;
  name: string;
}

/** The name of the item with this id in a loaded list; the id itself until the list is there. */
export function nameOf(items: readonly Named[] | null, id: string | null): string {
  if (id === null || id === "") return NONE;
  return items?.find((item) => item.id === id)?.name ?? id;
}

/** Picker options for a list of named items, sorted by name, after an optional "none" choice. */
export function optionsOf(items: readonly Named[] | null, none: string | null): Option[] {
  const sorted = [...(items ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const options = sorted.map((item) => ({ value: item.id, label: item.name }));
  return none === null ? options : [{ value: "", label: none }, ...options];
}

export function YesNo({ value }: { value: boolean }) {
  return <span class={value ? "admin-pill admin-pill--yes" : "admin-pill"}>{value ? "Yes" : "No"}</span>;
}

/** Every IANA time zone the browser knows, for a select; a placeholder first. */
export function timeZoneOptions(): Option[] {
  return [
    { value: "", label: "Choose a time zone…" },
    ...supportedTimeZones().map((zone) => ({ value: zone, label: zone })),
  ];
}
