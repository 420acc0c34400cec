-- doc: docs-src/docs/server/modules/mysql.md (insert, Example; string values escaped automatically)
-- expect: OK
-- setup: CREATE TABLE scores (id INT AUTO_INCREMENT PRIMARY KEY, player VARCHAR(32), score INT)
-- sql: SELECT player FROM scores WHERE id = 2 => Joe's
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local result, err = core.mysql.insert("conf", {
    tbl = "scores",
    values = {
      score = 200,
      player = "Sandy"
    }
  })
  check(result == 1, "insert returns the record id: " .. tostring(err))
  check(core.mysql.insert("conf", {tbl = "scores", values = {player = "Joe's"}}) == 2, "a quote in a value is escaped")
  return job.OK
end

return job
