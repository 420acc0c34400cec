-- doc: docs-src/docs/server/modules/mysql.md (select: Limit "limit = {5, 10}" and distinct)
-- expect: OK
-- setup: CREATE TABLE n (id INT PRIMARY KEY, k INT)
-- setup: INSERT INTO n VALUES (1,1),(2,1),(3,1),(4,2),(5,2),(6,2),(7,3),(8,3),(9,3),(10,4),(11,4),(12,4),(13,5),(14,5),(15,5),(16,6),(17,6)
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  -- to return rows 6-15: limit = {5, 10}
  local rows, err = core.mysql.select("conf", {tbl = "n", orderby = {id = "ASC"}, limit = {5, 10}})
  check(rows and #rows == 10 and rows[1].id == 6 and rows[10].id == 15, "limit {5, 10} returns rows 6-15: " .. tostring(err))
  local ks = core.mysql.select("conf", {tbl = "n", columns = {"k"}, distinct = true})
  check(#ks == 6, "distinct filters out duplicate column values")
  return job.OK
end

return job
