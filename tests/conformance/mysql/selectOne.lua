-- doc: docs-src/docs/server/modules/mysql.md (selectOne, Example)
-- expect: OK
-- setup: CREATE TABLE users (id INT AUTO_INCREMENT PRIMARY KEY, user_id VARCHAR(36), name VARCHAR(32))
-- setup: INSERT INTO users (user_id, name) VALUES ('u1', 'Ann'), ('u2', 'Bob')
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local user_id = "u2"
  local record, err = core.mysql.selectOne("conf", {
    tbl = "users",
    where = { user_id = user_id },
    columns = { "name" }
  })
  check(record and record.name == "Bob" and record.id == nil, "selectOne returns a single record: " .. tostring(err))
  check(record[1] == nil, "a record, not an array of records")
  return job.OK
end

return job
