-- dispositions: one row per disposition written on the day (submitted by the agent or by the wrap-up timeout,
-- and completed later by the agent), of this site's agents.
SELECT
  p.local_date AS local_date,
  p.site_id AS site_id,
  x.data.interaction.interactionid AS interaction_id,
  x.agent_id AS agent_id,
  x.data.interaction.agentname AS agent_name,
  x.data.interaction.queueid AS queue_id,
  x.data.interaction.queuename AS queue_name,
  x.data.interaction.channel AS channel,
  CASE WHEN x.type = 'interaction.disposition.submitted' THEN 'submitted' ELSE 'completed' END AS event,
  x.data.interaction.disposition.category AS category,
  x.data.interaction.disposition.outcome AS outcome,
  x.data.source AS source,
  x.data.complete AS complete,
  x.data.interaction.times.queuedat AS queued_at,
  x.data.interaction.times.answeredat AS answered_at,
  x.data.interaction.times.endedat AS ended_at,
  x.occurred_at AS submitted_at,
  CAST(date_diff(
    'millisecond',
    from_iso8601_timestamp(x.data.interaction.times.answeredat),
    from_iso8601_timestamp(x.data.interaction.times.endedat)
  ) AS double) / 1000 AS handle_seconds,
  CAST(date_diff(
    'millisecond',
    from_iso8601_timestamp(x.data.interaction.times.endedat),
    from_iso8601_timestamp(coalesce(x.data.interaction.times.wrapupendedat, x.occurred_at))
  ) AS double) / 1000 AS wrap_up_seconds,
  x.event_id AS event_id
FROM site_events x
CROSS JOIN params p
WHERE x.type IN ('interaction.disposition.submitted', 'interaction.disposition.completed')
ORDER BY x.occurred_at, x.event_id
