-- doc: docs-src/docs/server/modules/mysql.md (selectMerge, Example and Errors; every db is the granted conf, one as a connection table, and one ungranted)
-- expect: OK
-- setup: CREATE TABLE spots (id INT AUTO_INCREMENT PRIMARY KEY, latitude INT, longitude INT)
-- setup: INSERT INTO spots (latitude, longitude) VALUES (80, 200), (-64, 200)
-- setup: CREATE TABLE toy (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(32), city VARCHAR(32))
-- setup: INSERT INTO toy (name, city) VALUES ('Happy Toys', 'San Diego')
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local res, err, code = core.mysql.selectMerge({
    {
      db = "conf",
      tbl = "spots",
      key = "locs"
    },
    {
      db = "conf",
      tbl = "parts",
      where = { part_id = 20 },
      key = "part"
    },
    {
      db = { database = "conf" },
      tbl = "toy",
      limit = 1, --Return as non-array record
      where = { name = "Happy Toys" },
      key = "store"
    },
    {
      db = "stores",
      tbl = "toy",
      key = "elsewhere"
    }
  })
  check(res, "selectMerge: " .. tostring(err))
  check(#res.locs == 2 and res.locs[1].latitude == 80, "locs holds the spots records")
  check(res.store.name == "Happy Toys" and res.store.city == "San Diego", "limit = 1 gives the record itself")
  check(res.part == nil and res.elsewhere == nil, "failed queries leave their keys out")
  check(#res.errors == 2, "errors lists the two failed queries")
  local e = res.errors[1]
  check(e.db == "conf" and e.index == 2 and e.status == 1146 and e.error:find("doesn't exist"), "errors[1] is {db, error, index, status}: " .. tostring(e.error))
  e = res.errors[2]
  check(e.db == "stores" and e.index == 4 and e.status == 901 and e.error:find("Unauthorized database"), "an ungranted db is status 901")
  return job.OK
end

return job
