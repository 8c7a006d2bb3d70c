-- lock_contention.sql: per lock-like object, over the recorded runs: how
-- often it was acquired, how often the acquirer had to wait first, how often
-- an acquire timed out or a non-blocking attempt failed, and how often a
-- run ended with a thread still waiting for it (a deadlock, a stuck state:
-- the 'blocked' rows, which are waits, not acquisitions).
--   sqlite3 -header -column racesim.db < reports/lock_contention.sql
SELECT object, object_kind AS kind,
       sum(flags <> 'blocked') AS acquires,
       sum(flags LIKE '%waited%') AS waited,
       round(100.0 * sum(flags LIKE '%waited%') / max(sum(flags <> 'blocked'), 1), 1)
         AS percent_waited,
       sum(flags LIKE '%timeout%') AS timed_out,
       sum(flags LIKE '%failed%') AS failed_attempts,
       sum(flags = 'blocked') AS never_acquired,
       count(DISTINCT run_id) AS runs
FROM (SELECT object, object_kind, run_id, coalesce(flags, '') AS flags
      FROM events_readable WHERE op = 'acquire')
GROUP BY object, object_kind
ORDER BY waited + never_acquired DESC, acquires DESC;
