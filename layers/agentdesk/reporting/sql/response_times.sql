-- response_times: one row per interaction this site's agents answered and ended on the day: first response
-- (answered -> the agent's first reply) and the responses to the customer (each run of customer messages ->
-- the agent's next message), from the conversation's messages of the day.
, messages AS (
  SELECT
    x.data.interaction.interactionid AS interaction_id,
    x.data.message.seq AS seq,
    x.data.message."from" AS sender,
    x.data.message.sentat AS sent_at
  FROM ix_events x
  WHERE x.type = 'interaction.message'
),
runs AS (
  SELECT
    m.*,
    coalesce(max(CASE WHEN m.sender = 'agent' THEN m.seq END) OVER (
      PARTITION BY m.interaction_id ORDER BY m.seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
    ), 0) AS after_agent_seq
  FROM messages m
),
responses AS (
  SELECT
    interaction_id,
    date_diff(
      'millisecond',
      from_iso8601_timestamp(min(CASE WHEN sender = 'customer' THEN sent_at END)),
      from_iso8601_timestamp(min(CASE WHEN sender = 'agent' THEN sent_at END))
    ) AS ms
  FROM runs
  GROUP BY interaction_id, after_agent_seq
  HAVING count_if(sender = 'customer') > 0 AND count_if(sender = 'agent') > 0
),
per_interaction AS (
  SELECT
    interaction_id,
    count(*) AS responses,
    sum(ms) AS ms,
    max(ms) AS longest_ms
  FROM responses
  GROUP BY interaction_id
),
counts AS (
  SELECT
    interaction_id,
    count_if(sender = 'customer') AS customer_messages,
    count_if(sender = 'agent') AS agent_messages
  FROM messages
  GROUP BY interaction_id
)
SELECT
  p.local_date AS local_date,
  p.site_id AS site_id,
  x.data.interaction.interactionid AS interaction_id,
  x.agent_id AS agent_id,
  x.data.interaction.agentname AS agent_name,
  x.data.interaction.queueid AS queue_id,
  x.data.interaction.queuename AS queue_name,
  x.data.interaction.times.answeredat AS answered_at,
  x.data.interaction.times.firstagentreplyat AS first_agent_reply_at,
  x.occurred_at AS ended_at,
  CAST(date_diff(
    'millisecond',
    from_iso8601_timestamp(x.data.interaction.times.answeredat),
    from_iso8601_timestamp(x.data.interaction.times.firstagentreplyat)
  ) AS double) / 1000 AS first_response_seconds,
  CAST(coalesce(c.customer_messages, 0) AS bigint) AS customer_messages,
  CAST(coalesce(c.agent_messages, 0) AS bigint) AS agent_messages,
  CAST(coalesce(r.responses, 0) AS bigint) AS responses,
  CAST(r.ms AS double) / 1000 / r.responses AS average_response_seconds,
  CAST(r.longest_ms AS double) / 1000 AS longest_response_seconds
FROM site_events x
CROSS JOIN params p
LEFT JOIN counts c ON c.interaction_id = x.data.interaction.interactionid
LEFT JOIN per_interaction r ON r.interaction_id = x.data.interaction.interactionid
WHERE x.type = 'interaction.ended' AND x.data.interaction.times.answeredat IS NOT NULL
ORDER BY x.occurred_at, x.event_id
