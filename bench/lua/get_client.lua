-- GET /api-v1/clients/{id} for an id drawn at random from a file of client ids.
-- Arguments after "--": the path of the id file.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local ids

function init(args)
   ids = read_ids(args[1])
   math.randomseed(os.time() + 7919 * thread_index)
end

function request()
   local id = ids[math.random(#ids)]
   return wrk.format("GET", "/api-v1/clients/" .. id)
end
