-- agent_performance: one row per agent of the site with time logged in or interactions on the local day: the
-- performance toolbar's day. Time by status from the agent-state intervals cut to the day (common.sql); the
-- interaction figures from the day's interaction events of the site's agents (interactions.sql), counted as
-- the live metrics count them (domain/interaction_metrics.py).
, teams AS (
  SELECT agent_id, max_by(data.configuration.teamid, occurred_at) AS team_id FROM events GROUP BY agent_id
),
agent_time AS (
  SELECT
    agent_id,
    sum(ms) AS logged_in_ms,
    sum(CASE WHEN status = 'Available' AND pause_code IS NULL THEN ms ELSE 0 END) AS available_ms,
    sum(CASE WHEN status = 'Busy' AND pause_code IS NULL THEN ms ELSE 0 END) AS busy_ms,
    sum(CASE WHEN pause_code = 'wrap-up' THEN ms ELSE 0 END) AS wrap_up_ms,
    sum(CASE WHEN pause_code <> 'wrap-up' AND coalesce(productive, false) THEN ms ELSE 0 END) AS productive_ms,
    sum(CASE WHEN pause_code <> 'wrap-up' AND NOT coalesce(productive, false) THEN ms ELSE 0 END)
      AS unproductive_ms
  FROM timed
  WHERE ms > 0
  GROUP BY agent_id
),
agent_work AS (
  SELECT
    x.agent_id,
    max_by(x.data.interaction.agentname, x.occurred_at) AS agent_name,
    count_if(x.type = 'interaction.ended' AND x.data.interaction.times.answeredat IS NOT NULL) AS interactions,
    count_if(
      x.type IN ('interaction.disposition.submitted', 'interaction.disposition.completed')
      AND x.data.interaction.disposition.category = 'Success'
    ) AS successful,
    count_if(x.type = 'interaction.disposition.submitted' AND x.data.interaction.disposition.category = 'Unsure')
      - count_if(x.type = 'interaction.disposition.completed' AND x.data.interaction.disposition.category <> 'Unsure')
      AS unsure,
    count_if(
      x.type IN ('interaction.disposition.submitted', 'interaction.disposition.completed')
      AND x.data.interaction.disposition.category = 'Fail'
    ) AS failed,
    sum(CASE WHEN x.type = 'interaction.ended' AND x.data.interaction.times.answeredat IS NOT NULL
      THEN greatest(0, date_diff(
      'millisecond',
      from_iso8601_timestamp(x.data.interaction.times.answeredat),
      from_iso8601_timestamp(coalesce(x.data.interaction.times.endedat, x.occurred_at))
    )) END) AS handle_ms,
    count_if(x.type = 'interaction.ended' AND x.data.interaction.times.answeredat IS NOT NULL
      AND x.data.interaction.times.firstagentreplyat IS NOT NULL) AS first_responses,
    sum(CASE WHEN x.type = 'interaction.ended' AND x.data.interaction.times.answeredat IS NOT NULL
      AND x.data.interaction.times.firstagentreplyat IS NOT NULL THEN greatest(0, date_diff(
      'millisecond',
      from_iso8601_timestamp(x.data.interaction.times.answeredat),
      from_iso8601_timestamp(x.data.interaction.times.firstagentreplyat)
    )) END) AS first_response_ms,
    count_if(x.type = 'interaction.rated') AS csat_count,
    sum(CASE WHEN x.type = 'interaction.rated' THEN x.data.score END) AS score_sum
  FROM site_events x
  WHERE x.agent_id IS NOT NULL
  GROUP BY x.agent_id
),
performers AS (
  SELECT agent_id FROM agent_time UNION SELECT agent_id FROM agent_work
)
SELECT
  a.agent_id AS agent_id,
  coalesce(n.agent_name, w.agent_name) AS agent_name,
  t.team_id AS team_id,
  p.site_id AS site_id,
  p.local_date AS local_date,
  CAST(coalesce(s.logged_in_ms, 0) AS double) / 1000 AS logged_in_seconds,
  CAST(coalesce(s.available_ms, 0) AS double) / 1000 AS available_seconds,
  CAST(coalesce(s.busy_ms, 0) AS double) / 1000 AS busy_seconds,
  CAST(coalesce(s.wrap_up_ms, 0) AS double) / 1000 AS wrap_up_seconds,
  CAST(coalesce(s.productive_ms, 0) AS double) / 1000 AS paused_productive_seconds,
  CAST(coalesce(s.unproductive_ms, 0) AS double) / 1000 AS paused_unproductive_seconds,
  CAST(coalesce(w.interactions, 0) AS bigint) AS interactions,
  CAST(coalesce(w.successful, 0) AS bigint) AS successful,
  CAST(coalesce(w.unsure, 0) AS bigint) AS unsure,
  CAST(coalesce(w.failed, 0) AS bigint) AS failed,
  CAST(coalesce(w.handle_ms, 0) AS double) / 1000 AS handle_seconds,
  CAST(w.handle_ms AS double) / 1000 / nullif(w.interactions, 0) AS avg_handle_seconds,
  CAST(w.first_response_ms AS double) / 1000 / nullif(w.first_responses, 0) AS avg_first_response_seconds,
  CAST(w.score_sum AS double) / nullif(w.csat_count, 0) AS csat_avg,
  CAST(coalesce(w.csat_count, 0) AS bigint) AS csat_count
FROM performers a
CROSS JOIN params p
LEFT JOIN names n ON n.agent_id = a.agent_id
LEFT JOIN teams t ON t.agent_id = a.agent_id
LEFT JOIN agent_time s ON s.agent_id = a.agent_id
LEFT JOIN agent_work w ON w.agent_id = a.agent_id
ORDER BY a.agent_id
