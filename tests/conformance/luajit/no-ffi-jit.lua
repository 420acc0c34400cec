-- doc: LuaJIT extensions (ffi, jit): not offered, a job reads nil
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  check(ffi == nil and jit == nil and require == nil, "ffi, jit and require are absent")
  return job.OK
end

return job
