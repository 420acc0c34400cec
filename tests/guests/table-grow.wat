;; A guest that asks to grow a table by 2^31 elements, forever, and by as
;; much as it may: it declares a maximum of 2^32-1 elements.
(module
  (memory (export "memory") 1)
  (table $t 1 4294967295 funcref)
  (func (export "_initialize"))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10000))
  (func (export "jobbox_run") (result i32)
    (loop $forever
      (drop (table.grow $t (ref.null func) (i32.const 0x7fffffff)))
      (drop (table.grow $t (ref.null func) (i32.const 100000)))
      (br $forever))
    (i32.const 1)))
