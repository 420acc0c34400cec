;; A guest whose run never ends: an empty loop, no calls, no memory access.
(module
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10000))
  (func (export "jobbox_run") (result i32)
    (loop $forever (br $forever))
    (i32.const 1)))
