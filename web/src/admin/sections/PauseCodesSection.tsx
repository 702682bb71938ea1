/** Pause (aux) codes: label, the status it shows (Away or Busy), productive or not, offered or not. */

import { CollectionSection } from "../CollectionSection";
import { CheckboxField, RadioField, TextField } from "../fields";
import { type PauseCodeDraft, pauseCodeForm } from "../forms";
import type { PauseCode } from "../resources";
import { PAUSE_LABEL_MAX } from "../validation";
import { YesNo } from "./common";

export function PauseCodesSection() {
  return (
    <CollectionSection<PauseCode, PauseCodeDraft>
      collection="pauseCodes"
      title="Pause codes"
      noun="pause code"
      intro={
        <p class="hint">
          What agents choose when they pause. Disable a code rather than delete it: reports still refer to it.
        </p>
      }
      labelOf={(code) => code.label}
      lockedReason={(code) =>
        code.system ? `“${code.label}” is a system pause code: the product sets it, so it cannot be changed.` : null
      }
      columns={[
        {
          header: "Label",
          primary: true,
          cell: (code) => (
            <>
              {code.label} {code.system && <span class="admin-pill admin-pill--system">System</span>}
            </>
          ),
        },
        {
          header: "Status",
          cell: (code) => <span class={`admin-pill admin-pill--${code.status.toLowerCase()}`}>{code.status}</span>,
        },
        { header: "Productive", cell: (code) => <YesNo value={code.productive} /> },
        { header: "Enabled", cell: (code) => <YesNo value={code.enabled} /> },
      ]}
      spec={pauseCodeForm}
      fieldsOf={() => ["label", "status", "productive", "enabled"]}
      renderFields={(form) => (
        <>
          <TextField form={form} name="label" label="Label" required hint={`Up to ${PAUSE_LABEL_MAX} characters.`} />
          <RadioField
            form={form}
            name="status"
            label="Status while paused"
            options={[
              { value: "Away", label: "Away" },
              { value: "Busy", label: "Busy" },
            ]}
          />
          <CheckboxField form={form} name="productive" label="Productive" hint="Reports count the time as work." />
          <CheckboxField form={form} name="enabled" label="Enabled" hint="Only enabled codes are offered to agents." />
        </>
      )}
    />
  );
}
