;; A guest that grows its memory past any job's limit in _initialize and
;; then traps: the memory limit ended it, during initialisation.
(module
  (memory (export "memory") 1)
  (func (export "_initialize")
    (if (i32.eq (memory.grow (i32.const 16384)) (i32.const -1))
      (then unreachable)))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10000))
  (func (export "jobbox_run") (result i32) (i32.const 1)))
