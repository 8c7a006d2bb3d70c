---@meta racesim
-- racesim.d.lua - definitions of the racesim scenario API for the Lua
-- language server (LuaLS / sumneko), for completion and type hints while
-- writing scenarios.  Point the editor at this file's directory:
--   .luarc.json:  { "workspace.library": ["/usr/local/share/racesim/lua"],
--                   "runtime.version": "Lua 5.4" }
-- (or this repository's scripts/share).  Keep it in step with the API: the
-- test tests/cli/test_editor_defs.py compares it with what racesim registers.

---@alias FindingKind "clean"|"lost_update"|"data_race"|"deadlock"|"potential_deadlock"|"stuck"|"barrier_broken"|"assertion"|"error"|"step_limit"

---@class ScenarioOptions
---@field name? string a name for reports
---@field mode? "threads"|"async" threads (default): every visible operation is a scheduling point; async: asyncio semantics
---@field order? "fifo"|"any" async mode: ready tasks first in, first out as asyncio runs them (default), or any ready task next
---@field expect? FindingKind|FindingKind[]|table what `racesim check` expects: every listed kind found, every bug of a listed kind (`{ "lost_update", others = true }`: bugs of other kinds allowed)
---@field description? string

---Declare the scenario (once, before any spawn).
---@param opts ScenarioOptions
function scenario(opts) end

---An error raised by a primitive, as Python would raise it.
---@class RacesimError
---@field type "RuntimeError"|"ValueError"|"TypeError"|"OverflowError"|"BrokenBarrierError"|"TimeoutError"|"Full"|"Empty"
---@field message string
---@field line? integer

-- ---- threads and time ------------------------------------------------------

---A simulated thread (a task in async mode).
---@class Thread
---@field name string
---@field ident integer
---@field daemon boolean
local Thread = {}

---Wait until the thread finishes, or until `timeout` seconds of virtual time
---pass (then check `is_alive()`).  Joining the current thread raises RuntimeError.
---@param timeout? number
function Thread:join(timeout) end

---@return boolean
function Thread:is_alive() end

---Start a thread running `fn(...)`.  Also `spawn{fn, arg..., name = "x", daemon = true}`.
---@overload fun(fn: function, ...: any): Thread
---@overload fun(opts: table): Thread
---@param name string
---@param fn function
---@param ... any
---@return Thread
function spawn(name, fn, ...) end

---An explicit scheduling point (`await asyncio.sleep(0)`: in async mode the task goes behind every ready task).
function yield() end

---Sleep in virtual time; no run ever waits for real time.  With a jitter the
---sleep ends within seconds +- jitter, in either order with the waits it
---overlaps (a modelled I/O wait; exploration covers the orders).
---@param seconds number
---@param jitter? number seconds, >= 0
function sleep(seconds, jitter) end

---The virtual time, in seconds.
---@return number
function now() end

---@return Thread
function current_thread() end

-- ---- shared state ----------------------------------------------------------

---A tracked shared variable: every access is a visible operation.
---@class Shared
---@field name string
local Shared = {}

---@return any
function Shared:get() end

---@param value any
function Shared:set(value) end

---Atomic add (one step); returns the new value.
---@param delta number
---@return number
function Shared:add(delta) end

---Atomic add (one step) that returns nothing: two incs of integers commute,
---so exhaustive search does not order them and they order nothing else.
---@param delta? number default 1
function Shared:inc(delta) end

---@class SharedOptions
---@field atomic? boolean accesses are interleaved but never reported as data races

---@param name string
---@param value any
---@param opts? SharedOptions
---@return Shared
function shared(name, value, opts) end

---A table whose fields are tracked shared locations: `t.x = t.x + 1` is a read and a write.
---@class SharedTable: { [string|number]: any }

---@param name string
---@return SharedTable
function shared_table(name) end

-- ---- lock-like primitives --------------------------------------------------

---@class LockLike
---@field name string
local LockLike = {}

---Acquire; with `blocking = false` try once; with a timeout give up after
---that many virtual seconds.  Returns whether it was acquired.
---@param blocking? boolean
---@param timeout? number
---@return boolean
function LockLike:acquire(blocking, timeout) end

---Release (Lock: RuntimeError if unlocked; RLock: if not the owner;
---BoundedSemaphore: ValueError above the initial value).  Semaphores take `n`.
---@param n? integer
function LockLike:release(n) end

---@return boolean
function LockLike:locked() end

---Hold it while `fn(...)` runs, release it even if `fn` raises; return fn's results.
---@param fn function
---@param ... any
---@return any ...
function LockLike:with(fn, ...) end

---Acquire and return self, for `local _ <close> = lock:hold()`.
---@return self
function LockLike:hold() end

---@class Lock: LockLike
---@class RLock: LockLike
---@class Semaphore: LockLike
---@class BoundedSemaphore: LockLike

---@param name? string
---@return Lock
function Lock(name) end

---@param name? string
---@return RLock
function RLock(name) end

---@param value? integer initial value, >= 0 (default 1)
---@param name? string
---@return Semaphore
function Semaphore(value, name) end

---@param value? integer initial value and bound (default 1)
---@param name? string
---@return BoundedSemaphore
function BoundedSemaphore(value, name) end

---@class Condition: LockLike
local Condition = {}

---Release the lock, wait to be notified (or `timeout`), re-acquire.
---Returns false when it timed out.  RuntimeError without the lock.
---@param timeout? number
---@return boolean
function Condition:wait(timeout) end

---Wait until `predicate()` is true (re-checked after every wake-up).
---@param predicate fun(): any
---@param timeout? number
---@return any
function Condition:wait_for(predicate, timeout) end

---Wake up to `n` waiters (which ones is explored in threads mode).
---@param n? integer
function Condition:notify(n) end

function Condition:notify_all() end

---@param lock? Lock|RLock the lock to use (default: a new RLock; a Lock in async mode)
---@param name? string
---@return Condition
function Condition(lock, name) end

-- ---- Event, Barrier, Queue -------------------------------------------------

---@class Event
---@field name string
local Event = {}
function Event:set() end
function Event:clear() end
---@return boolean
function Event:is_set() end
---@param timeout? number
---@return boolean
function Event:wait(timeout) end

---@param name? string
---@return Event
function Event(name) end

---@class Barrier
---@field name string
---@field parties integer
---@field n_waiting integer
---@field broken boolean
local Barrier = {}

---Wait for all parties; returns the arrival index 0..parties-1.
---Raises BrokenBarrierError if the barrier breaks.
---@param timeout? number
---@return integer
function Barrier:wait(timeout) end
function Barrier:reset() end
function Barrier:abort() end

---@param parties integer
---@param action? function run by one thread before the others are released
---@param timeout? number default timeout of wait()
---@param name? string
---@return Barrier
function Barrier(parties, action, timeout, name) end

---@class Queue
---@field name string
---@field maxsize integer
local Queue = {}

---Put an item (nil is a valid item); blocks while full; raises Full when
---non-blocking or timed out.
---@param item any
---@param block? boolean
---@param timeout? number
function Queue:put(item, block, timeout) end

---@param item any
function Queue:put_nowait(item) end

---Get an item; blocks while empty; raises Empty when non-blocking or timed out.
---@param block? boolean
---@param timeout? number
---@return any
function Queue:get(block, timeout) end

---@return any
function Queue:get_nowait() end

function Queue:task_done() end

---Wait until every item put has had its task_done().
function Queue:join() end

---@return integer
function Queue:qsize() end
---@return boolean
function Queue:empty() end
---@return boolean
function Queue:full() end

---@param maxsize? integer 0 or less: unbounded
---@param name? string
---@return Queue
function Queue(maxsize, name) end

---@param maxsize? integer
---@param name? string
---@return Queue
function LifoQueue(maxsize, name) end

---Items are numbers, strings, or arrays compared like Python tuples.
---@param maxsize? integer
---@param name? string
---@return Queue
function PriorityQueue(maxsize, name) end

-- ---- checks and data nondeterminism ------------------------------------------

---An assertion: a failure is an `assertion` finding (the thread goes on).
---@param cond any
---@param fmt? string
---@param ... any
function check(cond, fmt, ...) end

---Run `fn` after every thread has finished (to check invariants).
---@param fn function
function finally(fn) end

---A data choice 1..n that exhaustive exploration enumerates.
---@param n integer
---@return integer
function choose(n) end

---A scenario parameter, set with `-D name=value`.
---@generic T
---@param name string
---@param default T
---@return T
function param(name, default) end
