-- agent_status_timeline: every interval an agent spent logged in, cut to the site's local day.
SELECT
  p.local_date AS local_date,
  p.site_id AS site_id,
  t.agent_id AS agent_id,
  n.agent_name AS agent_name,
  t.status AS status,
  t.pause_code AS pause_code,
  t.pause_label AS pause_label,
  t.productive AS productive,
  t.started_at AS started_at,
  t.ended_at AS ended_at,
  CAST(t.ms AS double) / 1000 AS seconds,
  t.event_id AS closed_by_event_id
FROM timed t
CROSS JOIN params p
JOIN names n ON n.agent_id = t.agent_id
WHERE t.ms > 0
ORDER BY t.agent_id, t.started_at, t.event_id
