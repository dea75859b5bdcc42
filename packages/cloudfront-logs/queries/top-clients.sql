-- name: top-clients
-- description: The clients (c-ip) that sent the most requests in a time range, with the bytes served to each.
-- param from (default 2024-11-14T00:00:00Z): start of the time range, ISO-8601 UTC, inclusive
-- param to (default 2024-11-15T00:00:00Z): end of the time range, ISO-8601 UTC, inclusive
SELECT
  c_ip,
  count(*) AS requests,
  coalesce(sum(sc_bytes), 0) AS bytes_sent
FROM cloudfront_logs
WHERE {{time_filter}}
GROUP BY c_ip
ORDER BY requests DESC, bytes_sent DESC, c_ip
LIMIT 50
