local job = core.job()

function job.run()

  --check stock
  local bikes, err, code = core.mysql.selectOne("products", {
    tbl = "toys",
    columns = { "stock" },
    where = { type = "Red Bikes" }
  })

  --update status
  if bikes.stock == 0 then
    local res, err, code = core.mysql.update("products", {
      tbl = "toys",
      values = { out_of_stock = true },
      where = { id = bikes.id }
    })
  end

  return job.OK
end

return job
