-- SCTBench CS.fsbench_bad (after the description of the file-system
-- benchmark of Flanagan and Godefroid, POPL 2005; our own port).
--
-- 27 threads each give an inode of its own a disk block: under the inode's
-- lock, if the inode has none, it scans the blocks, each under its own
-- lock, for a free one, marks it busy and records it in the inode.  The
-- bug: there is one block fewer than threads, so whatever the schedule the
-- last thread to scan finds no free block (its check fails in every run).
scenario{ name = "CS.fsbench_bad", expect = { "assertion" } }

local threads = param("threads", 27)
local nblocks = threads - 1 -- (the bug: one short)
local inode = shared_table("inode")
local busy = shared_table("busy")
local inode_lock, block_lock = {}, {}
for i = 1, threads do inode_lock[i] = Lock("inode_lock" .. i); inode[i] = 0 end
for b = 1, nblocks do block_lock[b] = Lock("block_lock" .. b); busy[b] = false end

for t = 1, threads do
  spawn("thread" .. t, function()
    inode_lock[t]:with(function()
      if inode[t] ~= 0 then return end
      for b = 1, nblocks do
        local got = block_lock[b]:with(function()
          if busy[b] then return false end
          busy[b] = true
          return true
        end)
        if got then inode[t] = b; return end
      end
      check(false, "thread%d found no free block among %d", t, nblocks)
    end)
  end)
end
