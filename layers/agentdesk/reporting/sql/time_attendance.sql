-- time_attendance: one row per login session that began on the site's local day.
, sessions AS (
  SELECT
    e.agent_id,
    e.data.session.sessionid AS session_id,
    min(e.data.session.loginat) AS login_at,
    max(e.data.session.endedat) AS logoff_at,
    max(
      CASE WHEN e.data.session.endedat IS NOT NULL
        THEN nullif(regexp_extract(e.data.change, '"logoffKind"\s*:\s*"(\w+)"', 1), '') END
    ) AS ended_by,
    max(
      CASE WHEN e.data.session.endedat IS NOT NULL
        THEN nullif(regexp_extract(e.data.change, '"logoffReason"\s*:\s*"([^"]*)"', 1), '') END
    ) AS logoff_reason
  FROM events e
  WHERE e.data.session.sessionid IS NOT NULL
  GROUP BY e.agent_id, e.data.session.sessionid
)
SELECT
  p.local_date AS local_date,
  p.site_id AS site_id,
  s.agent_id AS agent_id,
  n.agent_name AS agent_name,
  s.session_id AS session_id,
  s.login_at AS login_at,
  s.logoff_at AS logoff_at,
  CASE WHEN s.logoff_at IS NULL THEN NULL
    ELSE CAST(date_diff('millisecond', from_iso8601_timestamp(s.login_at), from_iso8601_timestamp(s.logoff_at))
      AS double) / 1000 END AS duration_seconds,
  coalesce(s.ended_by, 'open') AS ended_by,
  s.logoff_reason AS logoff_reason
FROM sessions s
CROSS JOIN params p
JOIN names n ON n.agent_id = s.agent_id
WHERE s.login_at >= p.window_start AND s.login_at < p.window_end
ORDER BY s.agent_id, s.login_at, s.session_id
