-- queue_service_level_hourly: one row per queue and hour of the day (hours since the local midnight).
-- Service level: % of the answered interactions answered within the queue's SLA threshold.
SELECT
  p.local_date AS local_date,
  q.queue_id AS queue_id,
  q.hour AS hour,
  max_by(q.queue_name, q.occurred_at) AS queue_name,
  s.sla_target_seconds AS sla_target_seconds,
  CAST(count_if(q.type = 'interaction.queued') AS bigint) AS offered,
  CAST(count_if(q.type = 'interaction.assigned') AS bigint) AS answered,
  CAST(count_if(q.type = 'interaction.abandoned') AS bigint) AS abandoned,
  CAST(count_if(q.type = 'interaction.assigned' AND q.wait_ms <= s.sla_target_seconds * 1000) AS bigint)
    AS answered_within_sla,
  CAST(count_if(q.type = 'interaction.assigned' AND q.wait_ms <= s.sla_target_seconds * 1000) AS double) * 100
    / nullif(count_if(q.type = 'interaction.assigned'), 0) AS service_level_percent,
  CAST(sum(q.wait_ms) AS double) / 1000 / nullif(count_if(q.type = 'interaction.assigned'), 0)
    AS average_wait_seconds,
  CAST(max(q.wait_ms) AS double) / 1000 AS longest_wait_seconds,
  CAST(sum(q.abandoned_ms) AS double) / 1000 / nullif(count_if(q.type = 'interaction.abandoned'), 0)
    AS average_abandoned_wait_seconds,
  CAST(count_if(q.type = 'interaction.rated') AS bigint) AS ratings,
  CAST(sum(q.score) AS double) / nullif(count_if(q.type = 'interaction.rated'), 0) AS average_score
FROM queue_events q
CROSS JOIN params p
JOIN queue_sla s ON s.queue_id = q.queue_id
GROUP BY p.local_date, q.queue_id, q.hour, s.sla_target_seconds
ORDER BY q.queue_id, q.hour
