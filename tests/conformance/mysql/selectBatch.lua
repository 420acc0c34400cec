-- doc: docs-src/docs/server/modules/mysql.md (selectBatch, Example and Query Errors)
-- expect: OK
-- setup: CREATE TABLE products (id INT AUTO_INCREMENT PRIMARY KEY, type VARCHAR(16), name VARCHAR(32))
-- setup: INSERT INTO products (type, name) VALUES ('Bike', 'Trek'), ('Bike', 'Giant'), ('Shoes', 'Nike')
-- setup: CREATE TABLE locations (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(32), city VARCHAR(32))
-- setup: INSERT INTO locations (name, city) VALUES ('Happy Toys', 'San Diego')
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local batch_select = {
    {
      tbl = "products",
      where = { type = 'Bike' },
      key = "bikes"
    },
    {
      tbl = "products",
      where = { type = 'Shoes' },
      key = "shoes"
    },
    {
      tbl = "locations",
      where = { name = "Happy Toys" },
      limit = 1, --Return as non-array record
      key = "store"
    },
    {
      tbl = "nosuch",
      key = "broken"
    }
  }

  local result, err = core.mysql.selectBatch("conf", batch_select)

  if not result then
    core.log(err)
  end
  check(result, "selectBatch: " .. tostring(err))
  check(#result.bikes == 2 and result.bikes[1].type == "Bike", "bikes is an array of Bike records")
  check(#result.shoes == 1 and result.shoes[1].name == "Nike", "shoes is an array of Shoe records")
  check(result.store.city == "San Diego", "limit = 1 returns the record itself")
  check(result.bikes.error == nil, "no error key on a good query")
  check(type(result.broken.error) == "string" and result.broken.error:find("doesn't exist"), "a failed query's key holds an error key")
  return job.OK
end

return job
