-- lock_order_graph.sql: the lock-order graph (A -> B: a thread took B while
-- holding A), with where and in how many runs; an edge on a cycle of the
-- graph (a path back from B to A, each edge of another thread) is marked
-- with the length of the shortest such cycle ('cycle of 2' is the classic
-- opposite-order deadlock). racesim's potential_deadlock findings are these
-- cycles, less those under a common gate lock.
--   sqlite3 -header -column racesim.db < reports/lock_order_graph.sql
WITH RECURSIVE walk(exploration_id, start, start_from, at, len, locks, threads) AS (
  SELECT exploration_id, rowid, from_lock, to_lock, 1,
         '|' || from_lock || '|' || to_lock || '|', '|' || thread || '|'
  FROM lock_edges
  UNION ALL
  SELECT w.exploration_id, w.start, w.start_from, e.to_lock, w.len + 1,
         w.locks || e.to_lock || '|', w.threads || e.thread || '|'
  FROM walk w JOIN lock_edges e
    ON e.exploration_id = w.exploration_id AND e.from_lock = w.at
  WHERE w.at <> w.start_from AND w.len < 32
    AND instr(w.threads, '|' || e.thread || '|') = 0
    AND (e.to_lock = w.start_from OR instr(w.locks, '|' || e.to_lock || '|') = 0)
),
shortest AS (
  SELECT start, min(len) AS len FROM walk WHERE at = start_from AND len > 1 GROUP BY start
)
SELECT l.exploration_id AS exploration, l.from_lock, l.to_lock, l.thread,
       l.from_line, l.line AS to_line, l.count, l.first_run,
       CASE WHEN s.len IS NOT NULL THEN 'cycle of ' || s.len ELSE '' END AS cycle
FROM lock_edges l LEFT JOIN shortest s ON s.start = l.rowid
ORDER BY l.exploration_id, l.from_lock, l.to_lock;
