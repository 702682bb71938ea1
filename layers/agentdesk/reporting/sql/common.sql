-- Shared head of every report query: the parameters and the site's deduplicated agent events.
-- Runs unchanged on Athena (Trino) and DuckDB (the exporter defines the two Trino functions it lacks:
-- from_iso8601_timestamp, and reads the lake through a view named raw_events with the Glue table's columns).
-- Parameters, in order: site id ('' = agents without a site), local date, window start, window end,
-- read-until (events up to here may close an interval of the day), first and last dt partition to read.
-- Timestamps are UTC ISO-8601 text with milliseconds, so they compare as text.
WITH params AS (
  SELECT
    CAST(? AS varchar) AS site_id,
    CAST(? AS date) AS local_date,
    CAST(? AS varchar) AS window_start,
    CAST(? AS varchar) AS window_end,
    CAST(? AS varchar) AS read_until,
    CAST(? AS date) AS dt_from,
    CAST(? AS date) AS dt_to
),
numbered AS (
  SELECT
    e.eventid AS event_id,
    e.occurredat AS occurred_at,
    e.agentid AS agent_id,
    e.data AS data,
    row_number() OVER (PARTITION BY e.eventid ORDER BY e.dt) AS delivery
  FROM raw_events e
  CROSS JOIN params p
  WHERE e.dt BETWEEN p.dt_from AND p.dt_to
    AND e.type = 'agent.state.changed'
    AND coalesce(e.data.configuration.siteid, '') = p.site_id
    AND e.occurredat >= p.window_start
    AND e.occurredat < p.read_until
),
events AS (
  SELECT event_id, occurred_at, agent_id, data FROM numbered WHERE delivery = 1
),
names AS (
  SELECT agent_id, max_by(data.configuration.name, occurred_at) AS agent_name FROM events GROUP BY agent_id
),
-- Every event that starts a new interval (a new `since`) closes the one its agent spent in the previous status:
-- the part inside the window. A change that keeps status and reason (an interaction starts or ends) keeps
-- `since`: that interval is still open, and the change that ends it counts it whole (as domain/metrics.py).
intervals AS (
  SELECT
    e.event_id,
    e.agent_id,
    e.data.previous.status AS status,
    e.data.previous.reason.code AS pause_code,
    e.data.previous.reason.label AS pause_label,
    e.data.previous.reason.productive AS productive,
    greatest(e.data.previous.since, p.window_start) AS started_at,
    least(e.occurred_at, p.window_end) AS ended_at
  FROM events e
  CROSS JOIN params p
  WHERE e.data.previous.since IS NOT NULL
    AND (e.data.state.since IS NULL OR e.data.previous.since <> e.data.state.since)
    AND e.data.previous.status <> 'Offline'
    AND e.data.previous.since < p.window_end
    AND e.occurred_at > p.window_start
),
timed AS (
  SELECT
    i.*,
    date_diff('millisecond', from_iso8601_timestamp(i.started_at), from_iso8601_timestamp(i.ended_at)) AS ms
  FROM intervals i
)
