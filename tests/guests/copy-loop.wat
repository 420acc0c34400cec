;; A guest that copies its 16 MiB memory onto itself, one byte higher,
;; forever: an overlapping memory.copy of almost all memory per iteration.
(module
  (memory (export "memory") 256)
  (func (export "_initialize"))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10000))
  (func (export "jobbox_run") (result i32)
    (loop $forever
      (memory.copy (i32.const 1) (i32.const 0) (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1)))
      (br $forever))
    (i32.const 1)))
