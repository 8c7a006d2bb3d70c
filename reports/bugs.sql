-- bugs.sql: the bugs of the latest exploration, in the order of the report,
-- each with what it folds in: its headline first, then its consequences (a
-- check that failed because of it), then its evidence (the data races of a
-- lost update, the lock-order cycle of a deadlock), each with its own count
-- and first run, and the command that replays the bug on its headline row.
--   sqlite3 -header -column racesim.db < reports/bugs.sql
-- (another exploration: -cmd ".param set :exploration ID")
SELECT b.exploration_id AS exploration, b.rank AS bug, b.kind AS bug_kind,
       b.runs AS bug_runs, b.first_run AS shown_in_run,
       e.role, e.kind, e.runs, e.first_run, e.message,
       CASE e.role WHEN 'headline' THEN b.replay ELSE '' END AS replay
FROM bugs b JOIN bug_evidence e ON e.bug_id = b.id
WHERE b.exploration_id = coalesce(:exploration, (SELECT max(id) FROM explorations))
ORDER BY b.rank, CASE e.role WHEN 'headline' THEN 0 WHEN 'consequence' THEN 1 ELSE 2 END,
         e.rowid;
