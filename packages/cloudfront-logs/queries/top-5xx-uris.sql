-- name: top-5xx-uris
-- description: The URIs that answered the most 5xx in a time range, with their share of that URI's requests.
-- param from (default 2024-11-14T00:00:00Z): start of the time range, ISO-8601 UTC, inclusive
-- param to (default 2024-11-15T00:00:00Z): end of the time range, ISO-8601 UTC, inclusive
SELECT
  cs_uri_stem,
  count_if(sc_status BETWEEN 500 AND 599) AS requests_5xx,
  count(*) AS requests,
  round(CAST(count_if(sc_status BETWEEN 500 AND 599) AS double) / count(*), 4) AS ratio_5xx
FROM cloudfront_logs
WHERE {{time_filter}}
GROUP BY cs_uri_stem
HAVING count_if(sc_status BETWEEN 500 AND 599) > 0
ORDER BY requests_5xx DESC, cs_uri_stem
LIMIT 50
