;; A guest that never returns from _initialize: its snapshot must be taken
;; under its job's time limit, not a default, and the run must say so.
(module
  (memory (export "memory") 1)
  (func (export "_initialize")
    (loop $forever (br $forever)))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10000))
  (func (export "jobbox_run") (result i32) (i32.const 1)))
