-- doc: docs-src/docs/server/modules/mysql.md (select, Example 2; the example logs record.player, which its columns = { "score" } does not select, so this case checks score alone)
-- expect: OK
-- setup: CREATE TABLE scores (id INT AUTO_INCREMENT PRIMARY KEY, player VARCHAR(32), score INT)
-- setup: INSERT INTO scores (player, score) VALUES ('Sandy', 5), ('Ann', 20), ('Bob', 30), ('Cy', 12)
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  -- Select 10 scores greater than 10, in descending order
  local result, err = core.mysql.select("conf", {
    tbl = "scores",
    columns = { "score" },
    where = "`score` > 10",
    limit = 10,
    orderby = {
      score = "DESC"
    }
  })
  check(result, "select: " .. tostring(err))
  check(#result == 3 and result[1].score == 30 and result[2].score == 20 and result[3].score == 12, "three scores above 10, descending")
  check(result[1].player == nil, "only the selected columns")
  return job.OK
end

return job
