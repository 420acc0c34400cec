-- doc: docs-src/docs/server/modules/mysql.md (delete, Examples: with a where, and all records with force)
-- expect: OK
-- setup: CREATE TABLE scores (id INT AUTO_INCREMENT PRIMARY KEY, score INT)
-- setup: INSERT INTO scores (score) VALUES (5), (9), (10), (50)
-- sql: SELECT COUNT(*) FROM scores => 0
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local result, err = core.mysql.delete("conf", {
    tbl = "scores",
    where = "`score` < 10"
  })
  check(result == 2, "delete returns the number of records deleted: " .. tostring(err))
  result, err = core.mysql.delete("conf", {tbl = "scores"})
  check(result == nil and err:find("force"), "delete without where needs force")
  result, err = core.mysql.delete("conf", {
    tbl = "scores",
    force = true
  })
  check(result == 2, "force = true deletes every record: " .. tostring(err))
  return job.OK
end

return job
