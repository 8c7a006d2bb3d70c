-- runs_per_outcome.sql: how the runs of each exploration ended, and which
-- finding kinds the failing ones showed.
--   sqlite3 -header -column racesim.db < reports/runs_per_outcome.sql
SELECT x.id AS exploration, x.script, x.strategy, r.status,
       count(*) AS runs, round(100.0 * count(*) / x.runs, 1) AS percent,
       (SELECT group_concat(kind, ', ') FROM
          (SELECT DISTINCT e.kind FROM bug_evidence e JOIN bugs b ON b.id = e.bug_id
           WHERE b.exploration_id = x.id AND EXISTS (SELECT 1 FROM runs r2
             WHERE r2.exploration_id = x.id AND r2.status = r.status
               AND instr(r2.signatures, e.signature) > 0))) AS kinds
FROM runs r JOIN explorations x ON x.id = r.exploration_id
GROUP BY x.id, r.status
ORDER BY x.id, runs DESC;
