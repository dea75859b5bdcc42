-- name: cache-hit-ratio-by-prefix
-- description: Cache hits (Hit, RefreshHit) and misses (Miss) by the URI's first path segment, and the hit ratio.
-- param from (default 2024-11-14T00:00:00Z): start of the time range, ISO-8601 UTC, inclusive
-- param to (default 2024-11-15T00:00:00Z): end of the time range, ISO-8601 UTC, inclusive
SELECT
  coalesce(regexp_extract(cs_uri_stem, '^/[^/]*'), '(none)') AS path_prefix,
  count(*) AS requests,
  count_if(x_edge_result_type IN ('Hit', 'RefreshHit')) AS cache_hits,
  count_if(x_edge_result_type = 'Miss') AS cache_misses,
  round(
    CAST(count_if(x_edge_result_type IN ('Hit', 'RefreshHit')) AS double)
      / nullif(count_if(x_edge_result_type IN ('Hit', 'RefreshHit', 'Miss')), 0),
    4
  ) AS hit_ratio
FROM cloudfront_logs
WHERE {{time_filter}}
GROUP BY 1
ORDER BY requests DESC, path_prefix
LIMIT 100
