/** The product-wide settings (one document): timeouts, the general queue, defaults, the midnight logoff. */

import { useLookup } from "../context";
import { CheckboxField, NumberField, SelectField } from "../fields";
import { type SettingsDraft, settingsForm } from "../forms";
import { ItemForm } from "../ItemForm";
import { type DispositionSet, PATHS, type Queue, type WorkspaceSettings } from "../resources";
import { RANGES } from "../validation";
import { optionsOf, timeZoneOptions } from "./common";

export function SettingsSection() {
  const queues = useLookup<Queue>("queues");
  const dispositionSets = useLookup<DispositionSet>("dispositionSets");
  return (
    <ItemForm<WorkspaceSettings, SettingsDraft>
      spec={settingsForm}
      noun="settings"
      formId="admin-settings-form"
      title={() => "Settings"}
      createPath={null}
      itemPath={PATHS.settings}
      fieldsOf={() => [
        "presenceGraceSeconds",
        "defaultWrapUpTimeoutSeconds",
        "defaultOfferTimeoutSeconds",
        "generalQueueId",
        "defaultDispositionSetId",
        "defaultTimeZone",
        "autoLogoffAtMidnight",
      ]}
      onSaved={() => undefined}
      renderFields={(form) => (
        <>
          <fieldset class="admin-group">
            <legend>Routing</legend>
            <SelectField
              form={form}
              name="generalQueueId"
              label="General queue"
              options={optionsOf(queues, "None")}
              hint="Where interactions go when no skilled agent is available."
            />
            <NumberField
              form={form}
              name="defaultOfferTimeoutSeconds"
              label="Offer timeout (seconds)"
              required
              min={RANGES.offerTimeoutSeconds.min}
              max={RANGES.offerTimeoutSeconds.max}
              hint="5–600; for queues without their own."
            />
          </fieldset>
          <fieldset class="admin-group">
            <legend>Wrap-up</legend>
            <NumberField
              form={form}
              name="defaultWrapUpTimeoutSeconds"
              label="Wrap-up timeout (seconds)"
              required
              min={RANGES.wrapUpTimeoutSeconds.min}
              max={RANGES.wrapUpTimeoutSeconds.max}
              hint="10–3600; for queues without their own."
            />
            <SelectField
              form={form}
              name="defaultDispositionSetId"
              label="Default disposition set"
              options={optionsOf(dispositionSets, "None")}
            />
          </fieldset>
          <fieldset class="admin-group">
            <legend>Presence and logoff</legend>
            <NumberField
              form={form}
              name="presenceGraceSeconds"
              label="Disconnect grace (seconds)"
              required
              min={RANGES.presenceGraceSeconds.min}
              max={RANGES.presenceGraceSeconds.max}
              hint="0–3600; how long an agent may be disconnected before turning Away."
            />
            <SelectField
              form={form}
              name="defaultTimeZone"
              label="Default time zone"
              required
              options={timeZoneOptions()}
              hint="For users without a site."
            />
            <CheckboxField
              form={form}
              name="autoLogoffAtMidnight"
              label="Log agents off at midnight"
              hint="Midnight in the time zone of each agent's site."
            />
          </fieldset>
        </>
      )}
    />
  );
}
