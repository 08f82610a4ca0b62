-- DELETE /api-v1/clients/{id}, walking a file of client ids so that no id is sent twice.
-- Arguments after "--": the path of the id file and the number of wrk threads. Thread i
-- takes lines i+1, i+1+threads, i+1+2*threads, ..., so the threads' shares are disjoint,
-- and the connections of one thread share its Lua state and so its position.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local ids = {}
local position = 1

function init(args)
   local all = read_ids(args[1])
   local step = tonumber(args[2])
   for i = thread_index + 1, #all, step do
      ids[#ids + 1] = all[i]
   end
end

function request()
   if position > #ids then
      -- Out of ids: stop this thread rather than send an id twice. The request returned
      -- here may still go out, so it goes to the bare health endpoint, and the run
      -- reports how often this happened.
      exhausted = exhausted + 1
      wrk.thread:stop()
      return wrk.format("GET", "/health/live")
   end
   local id = ids[position]
   position = position + 1
   return wrk.format("DELETE", "/api-v1/clients/" .. id)
end
