;; The ABI's conformance guest: its run calls every host function so that
;; each answers one code of abi/SPEC.md, and walks the pending-result path.
;; A check that gets another answer than SPEC.md's makes the run fail with
;; "abi conformance: check X failed" (X a letter, in the order below); when
;; all pass, the run returns OK. The job must be granted no core module.
(module
  (import "jobbox_v1" "log" (func $log (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "time" (func $time (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "job" (func $job (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "fail" (func $fail (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "result" (func $result (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "mysql" (func $mysql (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "sleep" (func $sleep (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "sources" (func $sources (param i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 1)
  ;; inputs, at fixed offsets
  (data (i32.const 0) "\06\01\05\02hi")          ;; 0: ["hi"], 6 bytes
  (data (i32.const 16) "\ff")                    ;; 16: no valid value, 1 byte
  (data (i32.const 32) "\06\01\05\05query")      ;; 32: ["query"], 9 bytes
  (data (i32.const 48) "\06\01\03\01")           ;; 48: [-1], 4 bytes
  (data (i32.const 64) "abi conformance: check ? failed") ;; 64: 31 bytes, ? at 87
  (global $check (mut i32) (i32.const 0x40))     ;; the letter before "A"
  (global $failed (mut i32) (i32.const 0))
  (global $pending (mut i32) (i32.const 0))

  (func $code (param i64) (result i32)
    (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 32))))
  (func $len (param i64) (result i32)
    (i32.wrap_i64 (local.get 0)))
  ;; expect counts one check, and records the first that failed.
  (func $expect (param $ok i32)
    (global.set $check (i32.add (global.get $check) (i32.const 1)))
    (if (i32.and (i32.eqz (local.get $ok)) (i32.eqz (global.get $failed)))
      (then (global.set $failed (global.get $check)))))
  (func $expect_code (param $r i64) (param $want i32)
    (call $expect (i32.eq (call $code (local.get $r)) (local.get $want))))

  (func (export "_initialize"))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10002))
  (func (export "jobbox_run") (result i32)
    (local $r i64)
    ;; A: result with nothing pending: 6, no result
    (call $expect_code (call $result (i32.const 0) (i32.const 0) (i32.const 1024) (i32.const 1024)) (i32.const 6))
    ;; B: log ["hi"]: 0, ok, no payload
    (call $expect_code (call $log (i32.const 0) (i32.const 6) (i32.const 1024) (i32.const 1024)) (i32.const 0))
    ;; C: an input range past the end of memory: 1, bad pointer
    (call $expect_code (call $log (i32.const 65530) (i32.const 100) (i32.const 1024) (i32.const 1024)) (i32.const 1))
    ;; D: an input range that overflows 32 bits: 1, bad pointer
    (call $expect_code (call $log (i32.const -16) (i32.const 32) (i32.const 1024) (i32.const 1024)) (i32.const 1))
    ;; E: an input that is no value: 2, bad encoding
    (call $expect_code (call $log (i32.const 16) (i32.const 1) (i32.const 1024) (i32.const 1024)) (i32.const 2))
    ;; F: a module the job is not granted: 3, not granted
    (call $expect_code (call $mysql (i32.const 32) (i32.const 9) (i32.const 1024) (i32.const 1024)) (i32.const 3))
    ;; G: sources while running: 4, not available
    (call $expect_code (call $sources (i32.const 0) (i32.const 0) (i32.const 1024) (i32.const 1024)) (i32.const 4))
    ;; H: sleep [-1]: 7, bad argument
    (call $expect_code (call $sleep (i32.const 48) (i32.const 4) (i32.const 1024) (i32.const 1024)) (i32.const 7))
    ;; I: time into room enough: 0, and a list at out_ptr
    (local.set $r (call $time (i32.const 0) (i32.const 0) (i32.const 1024) (i32.const 256)))
    (call $expect (i32.and (i32.eqz (call $code (local.get $r)))
      (i32.eq (i32.load8_u (i32.const 1024)) (i32.const 6))))
    ;; J: an output range past the end of memory, with room claimed: 1
    (call $expect_code (call $time (i32.const 0) (i32.const 0) (i32.const 65530) (i32.const 1000)) (i32.const 1))
    ;; K: job with no room: 0, and the length of a pending payload
    (local.set $r (call $job (i32.const 0) (i32.const 0) (i32.const 1024) (i32.const 0)))
    (global.set $pending (call $len (local.get $r)))
    (call $expect (i32.and (i32.eqz (call $code (local.get $r))) (i32.gt_u (global.get $pending) (i32.const 0))))
    ;; L: result fetches it: 0, the same length, a table at out_ptr
    (local.set $r (call $result (i32.const 0) (i32.const 0) (i32.const 2048) (global.get $pending)))
    (call $expect (i32.and
      (i32.and (i32.eqz (call $code (local.get $r))) (i32.eq (call $len (local.get $r)) (global.get $pending)))
      (i32.eq (i32.load8_u (i32.const 2048)) (i32.const 7))))
    ;; M: once fetched, nothing is pending: 6
    (call $expect_code (call $result (i32.const 0) (i32.const 0) (i32.const 2048) (i32.const 4096)) (i32.const 6))
    ;; N: a pending payload is dropped by the next call: job, log, result gives 6
    (drop (call $job (i32.const 0) (i32.const 0) (i32.const 1024) (i32.const 0)))
    (drop (call $log (i32.const 0) (i32.const 6) (i32.const 1024) (i32.const 1024)))
    (call $expect_code (call $result (i32.const 0) (i32.const 0) (i32.const 2048) (i32.const 4096)) (i32.const 6))
    ;; O: fail records the run's error and answers 0
    (call $expect_code (call $fail (i32.const 0) (i32.const 0) (i32.const 1024) (i32.const 1024)) (i32.const 0))
    (if (result i32) (global.get $failed)
      (then
        (i32.store8 (i32.const 87) (global.get $failed))
        (drop (call $fail (i32.const 64) (i32.const 31) (i32.const 0) (i32.const 0)))
        (i32.const 0))
      (else (i32.const 1)))))
