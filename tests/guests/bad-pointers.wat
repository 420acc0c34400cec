;; A guest that hands every host function ranges outside its memory, and
;; ranges whose end overflows 32 bits. Each call must answer code 1 (bad
;; pointer) without trapping; the run returns OK (1) only if all did, and
;; traps on `unreachable` otherwise.
(module
  (import "jobbox_v1" "log"     (func $log     (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "time"    (func $time    (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "job"     (func $job     (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "fail"    (func $fail    (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "result"  (func $result  (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "data"    (func $data    (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "network" (func $network (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "email"   (func $email   (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "mysql"   (func $mysql   (param i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10000))

  ;; expect_bad traps unless the packed result carries code 1.
  (func $expect_bad (param $r i64)
    (if (i64.ne (i64.shr_u (local.get $r) (i64.const 32)) (i64.const 1))
      (then unreachable)))

  (func (export "jobbox_run") (result i32)
    ;; input range past the end of memory
    (call $expect_bad (call $log     (i32.const 65535) (i32.const 2) (i32.const 0) (i32.const 64)))
    (call $expect_bad (call $fail    (i32.const 70000) (i32.const 1) (i32.const 0) (i32.const 64)))
    (call $expect_bad (call $data    (i32.const 0xfffffff0) (i32.const 0x100) (i32.const 0) (i32.const 64)))
    (call $expect_bad (call $network (i32.const 0xffffffff) (i32.const 0xffffffff) (i32.const 0) (i32.const 64)))
    (call $expect_bad (call $email   (i32.const 1) (i32.const 0xffffffff) (i32.const 0) (i32.const 64)))
    (call $expect_bad (call $mysql   (i32.const 0x10000) (i32.const 1) (i32.const 0) (i32.const 64)))
    ;; output range past the end of memory, for functions that answer
    (call $expect_bad (call $time    (i32.const 0) (i32.const 0) (i32.const 65530) (i32.const 64)))
    (call $expect_bad (call $job     (i32.const 0) (i32.const 0) (i32.const 0xffffffff) (i32.const 0xffffffff)))
    ;; result with nothing pending answers code 6, not a trap
    (if (i64.ne (i64.shr_u (call $result (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 64)) (i64.const 32)) (i64.const 6))
      (then unreachable))
    (i32.const 1)))
