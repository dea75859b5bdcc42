-- name: requests-by-country
-- description: Requests, 5xx and bytes by viewer country, over the lines that carry c-country (standard logging v2 only).
-- param from (default 2024-11-14T00:00:00Z): start of the time range, ISO-8601 UTC, inclusive
-- param to (default 2024-11-15T00:00:00Z): end of the time range, ISO-8601 UTC, inclusive
SELECT
  c_country,
  count(*) AS requests,
  count_if(sc_status BETWEEN 500 AND 599) AS requests_5xx,
  coalesce(sum(sc_bytes), 0) AS bytes_sent
FROM cloudfront_logs
WHERE {{time_filter}} AND c_country IS NOT NULL
GROUP BY c_country
ORDER BY requests DESC, c_country
