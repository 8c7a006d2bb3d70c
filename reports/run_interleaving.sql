-- run_interleaving.sql: the interleaving of one run, step by step, with
-- thread and object names.  Name the run by the number racesim prints
-- ("first: run 10"), in the latest exploration or in :exploration:
--   sqlite3 -header -column racesim.db -cmd ".param set :idx 10" < reports/run_interleaving.sql
--   sqlite3 -header -column racesim.db -cmd ".param set :idx 10" -cmd ".param set :exploration 2" < ...
-- or by its row, runs.id (".param set :run 1", which wins over :idx); with
-- neither, the first recorded failing run of that exploration.
-- (Failing runs have their events recorded, all runs with --record all.)
SELECT e.step, e.transition, printf('%.3f', e.vtime) AS time, e.thread, e.op,
       coalesce(e.object, '') AS object, coalesce(e.value, '') AS value,
       coalesce(e.line, '') AS line, coalesce(e.flags, '') AS flags
FROM events_readable e
WHERE e.run_id = coalesce(
        :run,
        (SELECT r.id FROM runs r
         WHERE r.exploration_id = coalesce(:exploration, (SELECT max(id) FROM explorations))
           AND (r.idx = :idx OR (:idx IS NULL AND r.status <> 'ok' AND r.recorded = 1))
         ORDER BY r.idx LIMIT 1))
ORDER BY e.step;
