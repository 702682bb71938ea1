-- login_summary: one row per agent with time logged in on the site's local day.
, logins AS (
  SELECT
    e.agent_id,
    count(DISTINCT e.data.session.sessionid) AS sessions,
    min(e.data.session.loginat) AS first_login_at
  FROM events e
  CROSS JOIN params p
  WHERE e.data.session.loginat >= p.window_start AND e.data.session.loginat < p.window_end
  GROUP BY e.agent_id
),
logoffs AS (
  SELECT
    e.agent_id,
    max(e.data.session.endedat) AS last_logoff_at,
    count_if(regexp_extract(e.data.change, '"logoffKind"\s*:\s*"(\w+)"', 1) = 'manual') AS manual_logoffs,
    count_if(regexp_extract(e.data.change, '"logoffKind"\s*:\s*"(\w+)"', 1) = 'forced') AS forced_logoffs,
    count_if(regexp_extract(e.data.change, '"logoffKind"\s*:\s*"(\w+)"', 1) = 'auto') AS auto_logoffs
  FROM events e
  CROSS JOIN params p
  WHERE e.data.session.endedat >= p.window_start AND e.data.session.endedat < p.window_end
  GROUP BY e.agent_id
),
logged_in AS (
  SELECT agent_id, sum(ms) AS ms FROM timed GROUP BY agent_id
),
agents AS (
  SELECT agent_id FROM logins UNION SELECT agent_id FROM logoffs UNION SELECT agent_id FROM logged_in
)
SELECT
  p.local_date AS local_date,
  p.site_id AS site_id,
  a.agent_id AS agent_id,
  n.agent_name AS agent_name,
  CAST(coalesce(l.sessions, 0) AS bigint) AS sessions,
  l.first_login_at AS first_login_at,
  o.last_logoff_at AS last_logoff_at,
  CAST(coalesce(t.ms, 0) AS double) / 1000 AS logged_in_seconds,
  CAST(coalesce(o.manual_logoffs, 0) AS bigint) AS manual_logoffs,
  CAST(coalesce(o.forced_logoffs, 0) AS bigint) AS forced_logoffs,
  CAST(coalesce(o.auto_logoffs, 0) AS bigint) AS auto_logoffs
FROM agents a
CROSS JOIN params p
JOIN names n ON n.agent_id = a.agent_id
LEFT JOIN logins l ON l.agent_id = a.agent_id
LEFT JOIN logoffs o ON o.agent_id = a.agent_id
LEFT JOIN logged_in t ON t.agent_id = a.agent_id
ORDER BY a.agent_id
