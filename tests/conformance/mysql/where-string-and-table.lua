-- doc: docs-src/docs/server/modules/mysql.md (The WHERE Key: String Based and Table Based, the three examples each way)
-- expect: OK
-- setup: CREATE TABLE toys (id INT PRIMARY KEY, kind VARCHAR(16), color VARCHAR(16), model VARCHAR(16))
-- setup: INSERT INTO toys VALUES (1, 'Truck', 'Red', 'Ford'), (2, 'Car', 'Red', 'Ford'), (3, 'Truck', 'Blue', 'Ford'), (4, 'Car', 'Red', 'Fiat'), (5, 'Bike', 'Green', 'Trek')
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

local function ids(where)
  local rows, err = core.mysql.select("conf", {tbl = "toys", columns = {"id"}, where = where, orderby = {id = "ASC"}})
  check(rows, "select: " .. tostring(err))
  local out = {}
  for i = 1, #rows do out[i] = tostring(rows[i].id) end
  return table.concat(out, ",")
end

function job.run()
  local got = ids("`color`='Red'")
  check(got == "1,2,4", "string: color: " .. got)
  local got = ids("`kind`='Truck' AND `color`='Red'")
  check(got == "1", "string: AND: " .. got)
  local got = ids("`kind`='Truck' OR `kind`='Car'")
  check(got == "1,2,3,4", "string: OR: " .. got)
  local got = ids({ color = "Red" })
  check(got == "1,2,4", "table: color: " .. got)
  local got = ids({ kind = "Truck", color = "Red" })
  check(got == "1", "table: AND: " .. got)
  local got = ids({ kind = { "Truck", "Car" } })
  check(got == "1,2,3,4", "table: OR: " .. got)
  return job.OK
end

return job
