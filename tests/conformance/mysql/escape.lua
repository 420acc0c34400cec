-- doc: docs-src/docs/server/modules/mysql.md (Utilities: escape, Example; the value comes back in single quotes)
-- expect: OK
-- setup: CREATE TABLE notes (id INT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(64))
-- sql: SELECT body FROM notes WHERE id = 1 => Eat at Joe's
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local str = core.mysql.escape("Eat at Joe's")
  check(str == "'Eat at Joe\\'s'", "escape returns the value enclosed in single quotes: " .. str)
  local id, err = core.mysql.query("conf", "INSERT INTO notes (body) VALUES (" .. str .. ")")
  check(id == 1, "the escaped value goes into SQL as it is: " .. tostring(err))
  return job.OK
end

return job
