;; A guest that calls the host while it initialises, prepares and runs.
;; The host must answer "not available" (code 4) to log from _initialize
;; and from jobbox_prepare, without logging: both run once per snapshot,
;; not once per run. It must answer sources (code 0) while the guest
;; prepares, and refuse it (code 4) while it runs. The run returns OK (1)
;; only if every answer was right.
(module
  (import "jobbox_v1" "log" (func $log (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "sources" (func $sources (param i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 1)
  (global $init_log (mut i32) (i32.const -1))
  (global $prepare_log (mut i32) (i32.const -1))
  (global $prepare_sources (mut i32) (i32.const -1))
  ;; the encoded list ["hi"]: list tag, count 1, string tag, length 2, "hi"
  (data (i32.const 0) "\06\01\05\02hi")
  ;; code returns the status code of a host call's result.
  (func $code (param i64) (result i32)
    (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 32))))
  (func $log_hi (result i32)
    (call $code (call $log (i32.const 0) (i32.const 6) (i32.const 64) (i32.const 64))))
  (func $get_sources (result i32)
    (call $code (call $sources (i32.const 0) (i32.const 0) (i32.const 1024) (i32.const 4096))))
  (func (export "_initialize")
    (global.set $init_log (call $log_hi)))
  (func (export "jobbox_prepare")
    (global.set $prepare_log (call $log_hi))
    (global.set $prepare_sources (call $get_sources)))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10002))
  (func (export "jobbox_run") (result i32)
    (i32.and
      (i32.and
        (i32.eq (global.get $init_log) (i32.const 4))
        (i32.eq (global.get $prepare_log) (i32.const 4)))
      (i32.and
        (i32.eqz (global.get $prepare_sources))
        (i32.eq (call $get_sources) (i32.const 4))))))
