-- expect: ERROR clear the screen
-- The error carries terminal escape sequences (clear the screen, retitle
-- the window, a one-byte CSI, a right-to-left override); the stored error
-- keeps them, and every human-readable output escapes them.
local job = core.job()

function job.run()
  core.log("\27[2J\27]0;owned\7")
  error("clear the screen\27[2J\27[H\194\155 31m \226\128\174evil")
end

return job
