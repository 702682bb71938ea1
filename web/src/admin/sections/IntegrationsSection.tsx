/**
 * Integrations (connectors that call the channel-ingress API). Creating one answers with its API key exactly
 * once: it is shown here with a copy button until the admin dismisses it; lists show only the key's prefix.
 */

import { useEffect, useRef, useState } from "preact/hooks";
import { CollectionSection } from "../CollectionSection";
import { CheckboxField, TextAreaField, TextField } from "../fields";
import { type IntegrationDraft, integrationForm } from "../forms";
import type { Integration, IntegrationCreated } from "../resources";
import { NONE, YesNo } from "./common";

export function IntegrationsSection() {
  const [created, setCreated] = useState<IntegrationCreated | null>(null);
  return (
    <div class="admin-section">
      {created && <KeyOnce integration={created} onDismiss={() => setCreated(null)} />}
      <CollectionSection<Integration, IntegrationDraft>
        collection="integrations"
        title="Integrations"
        noun="integration"
        intro={
          <p class="hint">
            Each integration has its own API key. A lost key cannot be shown again: create a new integration and delete
            the old one.
          </p>
        }
        labelOf={(integration) => integration.name}
        columns={[
          { header: "Name", primary: true, cell: (integration) => integration.name },
          { header: "Key", cell: (integration) => <code class="admin-key-prefix">{integration.keyPrefix}…</code> },
          { header: "Enabled", cell: (integration) => <YesNo value={integration.enabled} /> },
          { header: "Description", cell: (integration) => integration.description || NONE },
        ]}
        spec={integrationForm}
        fieldsOf={() => ["name", "description", "enabled"]}
        deleteNote="Its key stops working at once."
        onCreated={(integration) => {
          if ("key" in integration && typeof integration.key === "string")
            setCreated(integration as IntegrationCreated);
        }}
        toListItem={({ key: _key, ...integration }: Integration & { key?: string }) => integration}
        renderFields={(form) => (
          <>
            <TextField form={form} name="name" label="Name" required />
            <TextAreaField form={form} name="description" label="Description" rows={2} />
            <CheckboxField form={form} name="enabled" label="Enabled" hint="A disabled integration's key is refused." />
          </>
        )}
      />
    </div>
  );
}

function KeyOnce({ integration, onDismiss }: { integration: IntegrationCreated; onDismiss: () => void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    requestAnimationFrame(() => headingRef.current?.focus());
  }, [integration.id]);
  const copy = () => {
    const select = () => inputRef.current?.select();
    navigator.clipboard
      .writeText(integration.key)
      .then(() => setCopied("Copied to the clipboard."))
      .catch(() => {
        select();
        setCopied("Copying was not allowed; the key is selected, press Ctrl+C (⌘C) to copy it.");
      });
  };
  return (
    <section class="card admin-key" aria-labelledby="key-once-title">
      <h2 id="key-once-title" tabIndex={-1} ref={headingRef}>
        API key of “{integration.name}”
      </h2>
      <p class="banner banner--warning">
        Copy this key now and keep it somewhere safe. It is shown only this once: Agent Desk stores only a hash of it.
      </p>
      <div class="field">
        <label for="key-once-value">API key</label>
        <div class="admin-key__row">
          <input
            id="key-once-value"
            ref={inputRef}
            class="admin-key__value"
            readOnly
            value={integration.key}
            onFocus={(event) => event.currentTarget.select()}
          />
          <button type="button" class="button button--primary" onClick={copy}>
            Copy key
          </button>
        </div>
      </div>
      <p role="status" class="hint">
        {copied}
      </p>
      <button type="button" class="button" onClick={onDismiss}>
        I have stored the key
      </button>
    </section>
  );
}
