local job = core.job()

function job.run()
  
  local config_tbl, err = core.network.getJson("https://some.json-config.com")

  local config, err = core.data('config')

  local id, err = config:save(config_tbl)

  return job.OK
end

return job
