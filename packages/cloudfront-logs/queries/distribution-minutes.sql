-- name: distribution-minutes
-- description: One distribution's requests, 5xx, bytes and cache results per minute: the raw-log side of the TrackGraph/CloudFront metrics.
-- param distribution (default E2QWRUHAPOMQZL): the distribution id
-- param from (default 2024-11-14T00:00:00Z): start of the time range, ISO-8601 UTC, inclusive
-- param to (default 2024-11-15T00:00:00Z): end of the time range, ISO-8601 UTC, inclusive
SELECT
  from_unixtime(floor("timestamp" / 60) * 60) AS minute,
  CAST(floor("timestamp" / 60) * 60 AS bigint) AS minute_epoch,
  count(*) AS requests,
  count_if(sc_status BETWEEN 500 AND 599) AS requests_5xx,
  coalesce(sum(sc_bytes), 0) AS bytes_sent,
  coalesce(sum(cs_bytes), 0) AS bytes_received,
  count_if(x_edge_result_type IN ('Hit', 'RefreshHit')) AS cache_hits,
  count_if(x_edge_result_type = 'Miss') AS cache_misses
FROM cloudfront_logs
WHERE distributionid = {{distribution}} AND {{time_filter}}
GROUP BY 1, 2
ORDER BY minute_epoch
