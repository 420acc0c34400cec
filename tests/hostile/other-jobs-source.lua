-- expect: ERROR searched every Lua means and found no other job's constant
-- Looks for holds-secret.lua's constant through everything a Lua job can
-- reach, as its file loads and as it runs. The needle is built at run time,
-- so this file holds no copy. host/sandbox's
-- TestLuaJobCannotReachAnotherJobsConstants runs it too, and once beside the
-- constant itself, to show that the search finds what is there.
local needle = ("c1f4-terces-suproc"):reverse()
local found, seen = {}, {}

local function walk(v, path, depth)
  local t = type(v)
  if t == "string" then
    if v:find(needle, 1, true) then found[#found + 1] = path end
    return
  end
  if depth > 40 or seen[v] or (t ~= "table" and t ~= "function" and t ~= "userdata" and t ~= "thread") then return end
  seen[v] = true
  if t == "table" then
    for k, x in pairs(v) do
      walk(k, path .. "[key]", depth + 1)
      walk(x, path .. "." .. tostring(k), depth + 1)
    end
  elseif t == "function" then
    local ok, env = pcall(getfenv, v)
    if ok then walk(env, path .. "<env>", depth + 1) end
  end
  local ok, mt = pcall(getmetatable, v)
  if ok and mt then walk(mt, path .. "<mt>", depth + 1) end
end

local function search()
  seen = {}
  walk(_G, "_G", 0)
  walk(getmetatable(""), "string metatable", 0)
  for level = 0, 5 do
    local ok, env = pcall(getfenv, level)
    if ok then walk(env, "getfenv(" .. level .. ")", 0) end
  end
  for _, name in ipairs({"debug", "package", "io", "dofile", "loadfile", "require", "module", "newproxy", "_printregs"}) do
    if rawget(_G, name) ~= nil then found[#found + 1] = name .. " is available" end
  end
  for _, chunk in ipairs({"return API_TOKEN", "return ...", "return getfenv(0)"}) do
    local fn = loadstring(chunk)
    if fn then walk({pcall(fn)}, "loadstring(" .. chunk .. ")", 0) end
  end
  local _, msg = pcall(error)
  walk(tostring(msg), "error message", 0)
  if pcall(string.dump, print) then found[#found + 1] = "string.dump works" end
  local co = coroutine.create(function() return getfenv(0), _G end)
  walk({coroutine.resume(co)}, "coroutine", 0)
end

search() -- as the file loads

local job = core.job()

function job.run()
  search()
  walk(job, "job", 0)
  walk(core, "core", 0)
  if #found > 0 then error("found another job's constant at " .. table.concat(found, "; ")) end
  error("searched every Lua means and found no other job's constant")
end

return job
