-- pause_summary: one row per agent and pause code used on the site's local day.
, started AS (
  SELECT
    e.agent_id,
    e.data.state.reason.code AS pause_code,
    count(*) AS pauses
  FROM events e
  CROSS JOIN params p
  WHERE e.data.state.reason.code IS NOT NULL
    AND (e.data.previous.reason.code IS NULL OR e.data.previous.reason.code <> e.data.state.reason.code)
    AND e.occurred_at >= p.window_start AND e.occurred_at < p.window_end
  GROUP BY e.agent_id, e.data.state.reason.code
),
paused AS (
  SELECT agent_id, pause_code, sum(ms) AS ms FROM timed WHERE pause_code IS NOT NULL GROUP BY agent_id, pause_code
),
labels AS (
  SELECT
    e.agent_id,
    e.data.state.reason.code AS pause_code,
    max_by(e.data.state.reason.label, e.occurred_at) AS pause_label,
    max_by(e.data.state.reason.productive, e.occurred_at) AS productive
  FROM events e
  WHERE e.data.state.reason.code IS NOT NULL
  GROUP BY e.agent_id, e.data.state.reason.code
  UNION ALL
  SELECT
    i.agent_id, i.pause_code, max_by(i.pause_label, i.ended_at), max_by(i.productive, i.ended_at)
  FROM intervals i
  WHERE i.pause_code IS NOT NULL
  GROUP BY i.agent_id, i.pause_code
),
label_of AS (
  SELECT agent_id, pause_code, max(pause_label) AS pause_label, bool_or(productive) AS productive
  FROM labels
  GROUP BY agent_id, pause_code
),
codes AS (
  SELECT agent_id, pause_code FROM started UNION SELECT agent_id, pause_code FROM paused
)
SELECT
  p.local_date AS local_date,
  p.site_id AS site_id,
  c.agent_id AS agent_id,
  n.agent_name AS agent_name,
  c.pause_code AS pause_code,
  b.pause_label AS pause_label,
  b.productive AS productive,
  CAST(coalesce(s.pauses, 0) AS bigint) AS pauses,
  CAST(coalesce(d.ms, 0) AS double) / 1000 AS pause_seconds
FROM codes c
CROSS JOIN params p
JOIN names n ON n.agent_id = c.agent_id
LEFT JOIN label_of b ON b.agent_id = c.agent_id AND b.pause_code = c.pause_code
LEFT JOIN started s ON s.agent_id = c.agent_id AND s.pause_code = c.pause_code
LEFT JOIN paused d ON d.agent_id = c.agent_id AND d.pause_code = c.pause_code
ORDER BY c.agent_id, c.pause_code
