-- run_interleaving.sql: the interleaving of one run, step by step, with
-- thread and object names.  Set the run first:
--   sqlite3 -header -column racesim.db -cmd ".param set :run 1" < reports/run_interleaving.sql
-- (runs.id; failing runs have their events recorded, all runs with --record all)
SELECT e.step, e.transition, printf('%.3f', e.vtime) AS time, e.thread, e.op,
       coalesce(e.object, '') AS object, coalesce(e.value, '') AS value,
       coalesce(e.line, '') AS line, coalesce(e.flags, '') AS flags
FROM events_readable e
WHERE e.run_id = coalesce(:run, (SELECT min(run_id) FROM failing_runs))
ORDER BY e.step;
