-- lock_order_graph.sql: the lock-order graph (A -> B: a thread took B while
-- holding A), with where and in how many runs, and the cycles of length two
-- (the classic opposite-order deadlock) marked.
--   sqlite3 -header -column racesim.db < reports/lock_order_graph.sql
SELECT l.exploration_id AS exploration, l.from_lock, l.to_lock, l.thread,
       l.from_line, l.line AS to_line, l.count, l.first_run,
       CASE WHEN EXISTS (SELECT 1 FROM lock_edges r
                         WHERE r.exploration_id = l.exploration_id
                           AND r.from_lock = l.to_lock AND r.to_lock = l.from_lock
                           AND r.thread <> l.thread)
            THEN 'cycle' ELSE '' END AS cycle
FROM lock_edges l
ORDER BY l.exploration_id, l.from_lock, l.to_lock;
