;; A guest built for a future ABI major version.
(module
  (import "jobbox_v2" "log" (func $log (param i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x20000))
  (func (export "jobbox_run") (result i32) (i32.const 1)))
