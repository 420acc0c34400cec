;; A guest that fills all of its 16 MiB memory, forever: one memory.fill
;; per iteration, each taking milliseconds.
(module
  (memory (export "memory") 256)
  (func (export "_initialize"))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10000))
  (func (export "jobbox_run") (result i32)
    (loop $forever
      (memory.fill (i32.const 0) (i32.const 7) (i32.mul (memory.size) (i32.const 65536)))
      (br $forever))
    (i32.const 1)))
