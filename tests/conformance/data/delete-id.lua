-- doc: docs-src/docs/server/modules/data.md (delete: idOrObj, an id string)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local users = core.data("conf")
  local id = users:save({ name = "Tim" })
  local success, err = users:delete(id)
  check(success == true, "delete(id): " .. tostring(err))
  local again, err2 = users:delete(id)
  check(again == nil and type(err2) == "string", "deleting it twice is an error")
  return job.OK
end

return job
