-- doc: docs-src/docs/server/updates.md (2.3.2 to 2.4.0: selectBatch key is optional per entry, the table name is used instead; limit 1 returns a single record)
-- expect: OK
-- setup: CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(32))
-- setup: INSERT INTO products (name) VALUES ('Trek'), ('Giant')
-- setup: CREATE TABLE locations (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(32))
-- setup: INSERT INTO locations (name) VALUES ('Happy Toys')
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local result, err = core.mysql.selectBatch("conf", {
    { tbl = "products" },
    { tbl = "locations", limit = 1 }
  })
  check(result, "selectBatch: " .. tostring(err))
  check(#result.products == 2, "the products records under the table's name")
  check(result.locations.name == "Happy Toys", "limit 1: a single record under the table's name")
  return job.OK
end

return job
