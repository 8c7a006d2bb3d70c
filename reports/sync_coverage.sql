-- sync_coverage.sql: what each exploration exercised, per object: the lock
-- acquisition orders, the wake-up orders of conditions, the timeouts, and
-- how barrier rounds ended, with the share of runs that saw each.
--   sqlite3 -header -column racesim.db < reports/sync_coverage.sql
SELECT exploration_id AS exploration, object, kind, item, runs, percent_of_runs
FROM sync_coverage;
