-- doc: docs-src/docs/server/modules/mysql.md (update, Example; where is not required)
-- expect: OK
-- setup: CREATE TABLE scores (id INT PRIMARY KEY, score INT)
-- setup: INSERT INTO scores VALUES (19, 1), (20, 2), (21, 3)
-- sql: SELECT GROUP_CONCAT(score ORDER BY id) FROM scores => 7,7,7
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local result, err = core.mysql.update("conf", {
    tbl = "scores",
    values = {
      score = 230
    },
    where = { id = 20 }
  })
  check(result == 1, "update returns the number of records updated: " .. tostring(err))
  -- where is optional for update (only delete needs force): every record
  result, err = core.mysql.update("conf", {tbl = "scores", values = {score = 7}})
  check(result == 3, "update without where updates every record: " .. tostring(err))
  -- an empty where table is refused, so a where built from a nil value changes nothing
  local missing
  result, err = core.mysql.update("conf", {tbl = "scores", values = {score = 0}, where = {id = missing}})
  check(result == nil and err:find("refusing"), "an empty where is refused")
  return job.OK
end

return job
