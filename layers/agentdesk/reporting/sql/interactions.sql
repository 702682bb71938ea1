-- Shared head of the interaction reports (after common.sql): the day's deduplicated interaction events, each
-- agent's site (from their latest agent.state.changed read), and the events of this site's agents. Queues
-- belong to no site: the queue reports read every interaction event, and only in the no-site export (the
-- default time zone's day). `queue_rules` (queue_id, sla_target_seconds) holds each queue's SLA threshold:
-- the exporter writes it to the lake (reference/queue_rules/) from the directory at each run, and both
-- engines read that file (Athena through the Glue table of the same name).
, ix_numbered AS (
  SELECT
    e.eventid AS event_id,
    e.type AS type,
    e.occurredat AS occurred_at,
    e.agentid AS agent_id,
    e.data AS data,
    row_number() OVER (PARTITION BY e.eventid ORDER BY e.dt) AS delivery
  FROM raw_events e
  CROSS JOIN params p
  WHERE e.dt BETWEEN p.dt_from AND p.dt_to
    AND e.type LIKE 'interaction.%'
    AND e.occurredat >= p.window_start
    AND e.occurredat < p.window_end
),
ix_events AS (
  SELECT event_id, type, occurred_at, agent_id, data FROM ix_numbered WHERE delivery = 1
),
agent_sites AS (
  SELECT e.agentid AS agent_id, max_by(coalesce(e.data.configuration.siteid, ''), e.occurredat) AS site_id
  FROM raw_events e
  CROSS JOIN params p
  WHERE e.dt BETWEEN p.dt_from AND p.dt_to
    AND e.type = 'agent.state.changed'
    AND e.occurredat < p.read_until
  GROUP BY e.agentid
),
site_events AS (
  SELECT x.event_id, x.type, x.occurred_at, coalesce(x.agent_id, x.data.interaction.agentid) AS agent_id, x.data
  FROM ix_events x
  CROSS JOIN params p
  LEFT JOIN agent_sites s ON s.agent_id = coalesce(x.agent_id, x.data.interaction.agentid)
  WHERE coalesce(s.site_id, '') = p.site_id
),
queue_events AS (
  -- Each queue counts an interaction once per entry: queued, or transferred into it (a new offer). It is
  -- answered there by its first answer (nothing handed over yet), by the answer routed out of the queue after
  -- a hand-over (offeredAt after transferredAt), or at once by an attended transfer (no wait); an
  -- agent-to-agent transfer is no new answer (domain/interaction_metrics.py counts the same).
  SELECT
    x.event_id,
    x.type,
    x.occurred_at,
    x.data.interaction.queueid AS queue_id,
    x.data.interaction.queuename AS queue_name,
    CASE WHEN x.type = 'interaction.queued' OR x.type = 'interaction.transferred' THEN 1 ELSE 0 END AS offered,
    CASE
      WHEN x.type = 'interaction.transferred' AND x.data.interaction.status = 'active' THEN 0
      WHEN x.type = 'interaction.assigned' THEN greatest(0, date_diff(
        'millisecond',
        from_iso8601_timestamp(coalesce(x.data.interaction.times.transferredat, x.data.interaction.times.queuedat)),
        from_iso8601_timestamp(coalesce(x.data.interaction.times.answeredat, x.occurred_at))
      ))
    END AS wait_ms,
    CASE WHEN x.type = 'interaction.abandoned' THEN greatest(0, date_diff(
      'millisecond',
      from_iso8601_timestamp(coalesce(x.data.interaction.times.transferredat, x.data.interaction.times.queuedat)),
      from_iso8601_timestamp(coalesce(x.data.interaction.times.endedat, x.occurred_at))
    )) END AS abandoned_ms,
    CASE WHEN x.type = 'interaction.abandoned' THEN 1 ELSE 0 END AS abandoned,
    CASE WHEN x.type = 'interaction.rated' THEN 1 ELSE 0 END AS rated,
    x.data.score AS score,
    CAST(date_diff('second', from_iso8601_timestamp(p.window_start), from_iso8601_timestamp(x.occurred_at)) / 3600
      AS bigint) AS hour
  FROM ix_events x
  CROSS JOIN params p
  WHERE p.site_id = ''
    AND (
      x.type IN ('interaction.queued', 'interaction.abandoned', 'interaction.rated')
      OR (x.type = 'interaction.transferred' AND x.data."to".queueid IS NOT NULL)
      OR (x.type = 'interaction.assigned' AND (
        x.data.interaction.times.transferredat IS NULL
        OR x.data.interaction.times.offeredat > x.data.interaction.times.transferredat
      ))
    )
),
queue_sla AS (
  SELECT q.queue_id, CAST(coalesce(max(r.sla_target_seconds), 20) AS bigint) AS sla_target_seconds
  FROM (SELECT DISTINCT queue_id FROM queue_events) q
  LEFT JOIN queue_rules r ON r.queue_id = q.queue_id
  GROUP BY q.queue_id
)
