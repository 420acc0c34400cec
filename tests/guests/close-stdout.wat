;; A guest that tries to close its stdout and renumber its stderr over it.
;; Instances are reused from run to run, so the host refuses both (WASI's
;; ENOTSUP, 58): a run must not leave the next without its streams. The
;; run returns OK (1) only if both were refused.
(module
  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_renumber" (func $fd_renumber (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10002))
  (func (export "jobbox_run") (result i32)
    (i32.and
      (i32.eq (call $fd_close (i32.const 1)) (i32.const 58))
      (i32.eq (call $fd_renumber (i32.const 2) (i32.const 1)) (i32.const 58)))))
