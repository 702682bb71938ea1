-- csat: one row per rating (1-5) customers gave on the day to chats of this site's agents.
SELECT
  p.local_date AS local_date,
  p.site_id AS site_id,
  x.data.interaction.interactionid AS interaction_id,
  x.agent_id AS agent_id,
  x.data.interaction.agentname AS agent_name,
  x.data.interaction.queueid AS queue_id,
  x.data.interaction.queuename AS queue_name,
  CAST(x.data.score AS bigint) AS score,
  x.data.score >= 4 AS satisfied,
  x.data.comment AS comment,
  x.data.interaction.times.endedat AS ended_at,
  x.occurred_at AS rated_at
FROM site_events x
CROSS JOIN params p
WHERE x.type = 'interaction.rated'
ORDER BY x.occurred_at, x.event_id
