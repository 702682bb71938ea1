/**
 * The admin console over the config API. Admins change the configuration; supervisors may open it to look
 * (the API lets them read), so every form is read-only for them. The caller's role comes from `GET /me`.
 */

import { useEffect, useMemo, useState } from "preact/hooks";
import type { ComponentType } from "preact";
import { useConfigApi } from "../api/useConfigApi";
import { type Role, isRole } from "../realtime/protocol";
import { AdminContext, useLookupStore } from "./context";
import { ConfigHttp } from "./http";
import { CannedMessagesSection } from "./sections/CannedMessagesSection";
import { DispositionSetsSection } from "./sections/DispositionSetsSection";
import { IntegrationsSection } from "./sections/IntegrationsSection";
import { PauseCodesSection } from "./sections/PauseCodesSection";
import { QueuesSection } from "./sections/QueuesSection";
import { SettingsSection } from "./sections/SettingsSection";
import { SitesSection } from "./sections/SitesSection";
import { SkillsSection } from "./sections/SkillsSection";
import { TagsSection } from "./sections/TagsSection";
import { TeamsSection } from "./sections/TeamsSection";
import { UsersSection } from "./sections/UsersSection";

interface SectionDef {
  id: string;
  title: string;
  view: ComponentType;
  /** Only admins may read it (the API refuses everyone else). */
  adminOnly?: boolean;
}

const GROUPS: { title: string; sections: SectionDef[] }[] = [
  {
    title: "People",
    sections: [
      { id: "users", title: "Users and agents", view: UsersSection },
      { id: "teams", title: "Teams", view: TeamsSection },
      { id: "sites", title: "Sites", view: SitesSection },
    ],
  },
  {
    title: "Routing",
    sections: [
      { id: "skills", title: "Skills", view: SkillsSection },
      { id: "queues", title: "Queues", view: QueuesSection },
      { id: "disposition-sets", title: "Disposition sets", view: DispositionSetsSection },
    ],
  },
  {
    title: "Workspace",
    sections: [
      { id: "pause-codes", title: "Pause codes", view: PauseCodesSection },
      { id: "canned-messages", title: "Canned messages", view: CannedMessagesSection },
      { id: "tags", title: "Tags", view: TagsSection },
    ],
  },
  {
    title: "System",
    sections: [
      { id: "integrations", title: "Integrations", view: IntegrationsSection, adminOnly: true },
      { id: "settings", title: "Settings", view: SettingsSection },
    ],
  },
];

const SECTIONS = GROUPS.flatMap((group) => group.sections);
const SECTION_KEY = "agentdesk.admin.section";

function rememberedSection(): SectionDef {
  const id = sessionStorage.getItem(SECTION_KEY);
  return SECTIONS.find((section) => section.id === id) ?? SECTIONS[0]!;
}

export function AdminConsole() {
  const { client, error: configError } = useConfigApi();
  const http = useMemo(() => (client ? new ConfigHttp(client) : null), [client]);
  const lookups = useLookupStore(http);
  const [role, setRole] = useState<Role | null>(null);
  const [roleError, setRoleError] = useState<string | null>(null);
  const [section, setSection] = useState<SectionDef>(rememberedSection);

  useEffect(() => {
    if (http === null) return;
    http
      .read<{ user?: { role?: unknown } }>("/me")
      .then((me) => {
        const found = me.user?.role;
        if (isRole(found)) setRole(found);
        else setRoleError("The server sent an identity Agent Desk cannot read.");
      })
      .catch((error: unknown) => setRoleError(error instanceof Error ? error.message : String(error)));
  }, [http]);

  const choose = (next: SectionDef) => {
    sessionStorage.setItem(SECTION_KEY, next.id);
    setSection(next);
  };

  const problem = configError ?? roleError;
  // a section remembered from an admin's visit is not shown to anyone else
  const shown = section.adminOnly && role !== "admin" ? SECTIONS[0]! : section;
  const View = shown.view;

  return (
    <section class="view admin" aria-labelledby="view-title">
      <h1 id="view-title" class="view__title" tabIndex={-1}>
        Admin console
      </h1>
      {problem && (
        <p class="banner banner--error" role="alert">
          {problem}
        </p>
      )}
      {!problem && (http === null || role === null) && (
        <p class="content__placeholder" aria-busy="true">
          Loading the configuration…
        </p>
      )}
      {http !== null && role !== null && role === "agent" && (
        <p class="banner banner--error" role="alert">
          The admin console is for supervisors and admins.
        </p>
      )}
      {http !== null && role !== null && role !== "agent" && (
        <AdminContext.Provider value={{ http, canEdit: role === "admin", lookups }}>
          {role !== "admin" && (
            <p class="notice admin__readonly">
              You are viewing the configuration read-only; only admins can change it.
            </p>
          )}
          <div class="admin__layout">
            <nav class="admin__nav" aria-label="Admin sections">
              {GROUPS.map((group) => (
                <div key={group.title} class="admin__nav-group">
                  <p class="admin__nav-title" id={`admin-nav-${group.title.toLowerCase()}`}>
                    {group.title}
                  </p>
                  <ul aria-labelledby={`admin-nav-${group.title.toLowerCase()}`}>
                    {group.sections.filter((entry) => role === "admin" || !entry.adminOnly).map((entry) => (
                      <li key={entry.id}>
                        <button
                          type="button"
                          class="admin__nav-item"
                          aria-current={entry.id === shown.id ? "page" : undefined}
                          onClick={() => choose(entry)}
                        >
                          {entry.title}
                        </button>
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </nav>
            <div class="admin__main">
              <View key={shown.id} />
            </div>
          </div>
        </AdminContext.Provider>
      )}
    </section>
  );
}
