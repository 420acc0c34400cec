-- doc: docs-src/docs/server/modules/mysql.md (Query String: query, Select Example)
-- expect: OK
-- setup: CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(32))
-- setup: INSERT INTO orders (item) VALUES ('a'), ('b'), ('c')
-- log: 3
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local sf = core.sf or string.format
  local query = sf("SELECT * FROM orders LIMIT %d", 100)
  local result, err = core.mysql.query("conf", query)
  if not result then
    core.log(err)
  end
  check(result and #result == 3, "query returns a table array of records: " .. tostring(err))
  local record
  for i=1, #result do
    record = result[i] --a record as a table
    core.log(record.id)
  end
  check(result[3].item == "c", "records are tables by column")
  local none = core.mysql.q("conf", "SELECT * FROM orders WHERE id > 99")
  check(type(none) == "table" and #none == 0, "no records is an empty table")
  return job.OK
end

return job
