;; A guest importing functions the host does not offer.
(module
  (import "env" "system" (func $system (param i32) (result i32)))
  (import "jobbox_v1" "exec" (func $exec (param i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10000))
  (func (export "jobbox_run") (result i32) (i32.const 1)))
