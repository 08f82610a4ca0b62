-- The same request again and again: the URL and headers come from the wrk command line.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")
