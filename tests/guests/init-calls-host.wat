;; A guest whose initialisation calls core.log. The host must answer "not
;; available" (code 4) without logging: initialisation runs once per
;; snapshot, not once per run. The run returns OK (1) only if it did.
(module
  (import "jobbox_v1" "log" (func $log (param i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 1)
  (global $code (mut i32) (i32.const -1))
  ;; the encoded list ["hi"]: list tag, count 1, string tag, length 2, "hi"
  (data (i32.const 0) "\06\01\05\02hi")
  (func (export "_initialize")
    (global.set $code
      (i32.wrap_i64 (i64.shr_u
        (call $log (i32.const 0) (i32.const 6) (i32.const 64) (i32.const 64))
        (i64.const 32)))))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10000))
  (func (export "jobbox_run") (result i32)
    (i32.eq (global.get $code) (i32.const 4))))
