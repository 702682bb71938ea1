-- Shared head of the queue reports (after interactions.sql): each queue's measures per hour of the day and
-- for the whole day (hour NULL), so the daily and hourly reports compute them one way.
, queue_hours AS (
  SELECT
    q.queue_id,
    q.hour,
    max_by(q.queue_name, q.occurred_at) AS queue_name,
    max(q.occurred_at) AS last_at,
    sum(q.offered) AS offered,
    count(q.wait_ms) AS answered,
    sum(q.abandoned) AS abandoned,
    count_if(q.wait_ms <= s.sla_target_seconds * 1000) AS answered_within_sla,
    sum(q.wait_ms) AS wait_ms,
    max(q.wait_ms) AS longest_wait_ms,
    sum(q.abandoned_ms) AS abandoned_ms,
    sum(q.rated) AS ratings,
    sum(q.score) AS score_sum
  FROM queue_events q
  JOIN queue_sla s ON s.queue_id = q.queue_id
  GROUP BY q.queue_id, q.hour
),
queue_grains AS (
  SELECT
    queue_id, hour, queue_name, offered, answered, abandoned, answered_within_sla, wait_ms, longest_wait_ms,
    abandoned_ms, ratings, score_sum
  FROM queue_hours
  UNION ALL
  SELECT
    queue_id,
    CAST(NULL AS bigint) AS hour,
    max_by(queue_name, last_at) AS queue_name,
    sum(offered) AS offered,
    sum(answered) AS answered,
    sum(abandoned) AS abandoned,
    sum(answered_within_sla) AS answered_within_sla,
    sum(wait_ms) AS wait_ms,
    max(longest_wait_ms) AS longest_wait_ms,
    sum(abandoned_ms) AS abandoned_ms,
    sum(ratings) AS ratings,
    sum(score_sum) AS score_sum
  FROM queue_hours
  GROUP BY queue_id
),
queue_levels AS (
  SELECT
    p.local_date AS local_date,
    g.queue_id AS queue_id,
    g.hour AS hour,
    g.queue_name AS queue_name,
    s.sla_target_seconds AS sla_target_seconds,
    CAST(g.offered AS bigint) AS offered,
    CAST(g.answered AS bigint) AS answered,
    CAST(g.abandoned AS bigint) AS abandoned,
    CAST(g.answered_within_sla AS bigint) AS answered_within_sla,
    CAST(g.answered_within_sla AS double) * 100 / nullif(g.answered, 0) AS service_level_percent,
    CAST(g.wait_ms AS double) / 1000 / nullif(g.answered, 0) AS average_wait_seconds,
    CAST(g.longest_wait_ms AS double) / 1000 AS longest_wait_seconds,
    CAST(g.abandoned_ms AS double) / 1000 / nullif(g.abandoned, 0) AS average_abandoned_wait_seconds,
    CAST(g.ratings AS bigint) AS ratings,
    CAST(g.score_sum AS double) / nullif(g.ratings, 0) AS average_score
  FROM queue_grains g
  CROSS JOIN params p
  JOIN queue_sla s ON s.queue_id = g.queue_id
)
