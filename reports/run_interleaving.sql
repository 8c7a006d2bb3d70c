-- run_interleaving.sql: the interleaving of one run, step by step, with
-- thread and object names.  Name the run by the number racesim prints
-- ("first: run 10"), in the latest exploration or in :exploration:
--   sqlite3 -header -column racesim.db -cmd ".param set :idx 10" < reports/run_interleaving.sql
--   sqlite3 -header -column racesim.db -cmd ".param set :idx 10" -cmd ".param set :exploration 2" < ...
-- or by its row, runs.id (".param set :run 1"); with neither, the first failing run.
-- (Failing runs have their events recorded, all runs with --record all.)
SELECT e.step, e.transition, printf('%.3f', e.vtime) AS time, e.thread, e.op,
       coalesce(e.object, '') AS object, coalesce(e.value, '') AS value,
       coalesce(e.line, '') AS line, coalesce(e.flags, '') AS flags
FROM events_readable e
WHERE e.run_id = coalesce(
        :run,
        (SELECT r.id FROM runs r
         WHERE r.idx = :idx
           AND r.exploration_id = coalesce(:exploration, (SELECT max(id) FROM explorations))),
        CASE WHEN :idx IS NULL THEN (SELECT min(run_id) FROM failing_runs) END)
ORDER BY e.step;
