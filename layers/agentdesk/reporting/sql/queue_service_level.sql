-- queue_service_level: one row per queue with interactions on the (default time zone's) day (sql/queues.sql).
SELECT
  local_date, queue_id, queue_name, sla_target_seconds, offered, answered, abandoned, answered_within_sla,
  service_level_percent, average_wait_seconds, longest_wait_seconds, average_abandoned_wait_seconds, ratings,
  average_score
FROM queue_levels
WHERE hour IS NULL
ORDER BY queue_id
