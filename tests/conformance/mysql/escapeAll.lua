-- doc: docs-src/docs/server/modules/mysql.md (Utilities: escapeAll, Example)
-- expect: OK
local job = core.job()

local function check(ok, what) if not ok then error("conformance: " .. what, 2) end end

function job.run()
  local values = {
    'A special "thing" here.',
    24,
    "Joe's Place"
  }

  values = core.mysql.escapeAll( values )
  check(values[1] == [['A special \"thing\" here.']], "strings escaped and quoted: " .. values[1])
  check(values[2] == 24, "numbers as they are")
  check(values[3] == [['Joe\'s Place']], "strings escaped and quoted: " .. values[3])
  return job.OK
end

return job
