-- doc: docs-src/docs/server/modules/mysql.md (selectCount, Example; where optional; column)
-- expect: OK
-- setup: CREATE TABLE toys (id INT AUTO_INCREMENT PRIMARY KEY, color VARCHAR(16), code INT)
-- setup: INSERT INTO toys (color, code) VALUES ('Red', 1), ('Red', NULL), ('Blue', 3)
-- log: Total red toys 2
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local count, err = core.mysql.selectCount("conf", {
    tbl = "toys",
    where = { color = "Red" }
  })

  core.log("Total red toys "..count)
  check(count == 2, "selectCount with where")
  check(core.mysql.selectCount("conf", {tbl = "toys"}) == 3, "without where: the total records")
  check(core.mysql.selectCount("conf", {tbl = "toys", column = "code"}) == 2, "column counts the column's non-NULL values")
  local n, err, code = core.mysql.selectCount("conf", {tbl = "nosuch"})
  check(n == nil and type(err) == "string" and code == 1146, "nil, error, and error code")
  return job.OK
end

return job
