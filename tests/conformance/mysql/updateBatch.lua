-- doc: docs-src/docs/server/modules/mysql.md (updateBatch, Example)
-- expect: OK
-- setup: CREATE TABLE shoes (id INT PRIMARY KEY, name VARCHAR(32))
-- setup: INSERT INTO shoes VALUES (3, 'Puma')
-- setup: CREATE TABLE toys (id INT PRIMARY KEY, name VARCHAR(32), gender VARCHAR(8), company VARCHAR(16))
-- setup: INSERT INTO toys (id, name) VALUES (1, 'Raggedy Andy'), (4, 'Truck')
-- sql: SELECT CONCAT(name, '/', gender) FROM toys WHERE id = 1 => Raggedy Ann/female
-- sql: SELECT company FROM toys WHERE id = 4 => Tonka
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local batch_update = {
    {
      tbl = "shoes",
      values = {
        name = "Adidas"
      },
      where = { id = 3 }
    },
    {
      tbl = "toys",
      values = {
        name = "Raggedy Ann",
        gender = "female"
      },
      where = { name = "Raggedy Andy" }
    },
    {
      tbl = "toys",
      values = {
        company = "Tonka"
      },
      where = { id = 4 }
    }
  }

  local result, err = core.mysql.updateBatch("conf", batch_update)
  check(result and #result == 3, "one result per entry: " .. tostring(err))
  for i=1, #result do
    check(result[i].updated == 1, "{updated=1} for entry #" .. i)
  end
  return job.OK
end

return job
