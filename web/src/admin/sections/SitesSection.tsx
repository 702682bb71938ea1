/** Sites: a name and the IANA time zone whose midnight logs its agents off. */

import { CollectionSection } from "../CollectionSection";
import { SelectField, TextField } from "../fields";
import { type SiteDraft, siteForm } from "../forms";
import type { Site } from "../resources";
import { timeZoneOptions } from "./common";

export function SitesSection() {
  return (
    <CollectionSection<Site, SiteDraft>
      collection="sites"
      title="Sites"
      noun="site"
      intro={
        <p class="hint">Agents of a site are logged off at midnight in its time zone (when that is on in Settings).</p>
      }
      labelOf={(site) => site.name}
      columns={[
        { header: "Name", primary: true, cell: (site) => site.name },
        { header: "Time zone", cell: (site) => site.timeZone },
      ]}
      spec={siteForm}
      fieldsOf={() => ["name", "timeZone"]}
      renderFields={(form) => (
        <>
          <TextField form={form} name="name" label="Name" required />
          <SelectField form={form} name="timeZone" label="Time zone" required options={timeZoneOptions()} />
        </>
      )}
    />
  );
}
