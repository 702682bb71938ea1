-- queue_service_level_hourly: one row per queue and hour of the day (hours since the local midnight).
SELECT
  local_date, queue_id, hour, queue_name, sla_target_seconds, offered, answered, abandoned, answered_within_sla,
  service_level_percent, average_wait_seconds, longest_wait_seconds, average_abandoned_wait_seconds, ratings,
  average_score
FROM queue_levels
WHERE hour IS NOT NULL
ORDER BY queue_id, hour
