;; A guest that fills and copies a table of 2^16 elements, forever.
(module
  (memory (export "memory") 1)
  (table $t 65536 funcref)
  (func $f)
  (elem declare func $f)
  (func (export "_initialize"))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10000))
  (func (export "jobbox_run") (result i32)
    (loop $forever
      (table.fill $t (i32.const 0) (ref.func $f) (table.size $t))
      (table.copy $t $t (i32.const 1) (i32.const 0) (i32.sub (table.size $t) (i32.const 1)))
      (br $forever))
    (i32.const 1)))
