-- doc: docs-src/docs/server/modules/mysql.md (select, Example 1)
-- expect: OK
-- setup: CREATE TABLE scores (id INT AUTO_INCREMENT PRIMARY KEY, player VARCHAR(32), score INT)
-- setup: INSERT INTO scores (player, score) VALUES ('Sandy', 5), ('Ann', 20), ('Bob', 30), ('Cy', 12)
-- log: Bob scored 30
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  -- Select all records from the 'scores' table
  local result, err = core.mysql.select("conf", {
    tbl = "scores"
  })

  if not result then
    core.log(err)
  else
    -- `result` contains a table array of records
    local record
    for i=1, #result do
      record = result[i]
      core.log(record.player..' scored '..record.score)
    end
  end
  check(result and #result == 4, "select returns every record")
  return job.OK
end

return job
