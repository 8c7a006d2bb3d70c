-- top_findings.sql: the distinct findings of every exploration, most
-- frequent first, with the script they came from.
--   sqlite3 -header -column racesim.db < reports/top_findings.sql
SELECT x.id AS exploration, x.script, d.kind, d.runs, x.runs AS of_runs,
       round(100.0 * d.runs / x.runs, 1) AS percent, d.first_run,
       CASE WHEN length(d.message) > 100 THEN substr(d.message, 1, 97) || '...'
            ELSE d.message END AS message
FROM distinct_findings d JOIN explorations x ON x.id = d.exploration_id
ORDER BY d.runs DESC, x.id, d.kind;
