-- name: slowest-edge-locations
-- description: Edge locations by time-taken p99 (approximate, seconds) in a time range, slowest first.
-- param from (default 2024-11-14T00:00:00Z): start of the time range, ISO-8601 UTC, inclusive
-- param to (default 2024-11-15T00:00:00Z): end of the time range, ISO-8601 UTC, inclusive
SELECT
  coalesce(x_edge_location, '(none)') AS x_edge_location,
  count(*) AS requests,
  approx_percentile(time_taken, 0.99) AS time_taken_p99,
  approx_percentile(time_taken, 0.5) AS time_taken_p50
FROM cloudfront_logs
WHERE {{time_filter}}
GROUP BY 1
ORDER BY time_taken_p99 DESC NULLS LAST, x_edge_location
LIMIT 50
