;; A compiled guest that asks for the Lua job files while it prepares, as
;; the Lua guest does, fetching a result larger than its buffer with
;; result. Only the engine's own Lua guest may be offered other jobs'
;; files: this one must get an empty list (the two bytes 06 00), and its
;; run fails saying so. Had it been given any job file, it would store
;; what it got as its error instead.
(module
  (import "jobbox_v1" "sources" (func $sources (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "result" (func $result (param i32 i32 i32 i32) (result i64)))
  (import "jobbox_v1" "fail" (func $fail (param i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 8)
  (global $got (mut i32) (i32.const -1))
  (data (i32.const 0) "compiled guests get no job sources")
  ;; sources are read into [1024, +4096), or fetched there whole when larger.
  (func (export "_initialize"))
  (func (export "jobbox_prepare")
    (local $r i64) (local $n i32)
    (local.set $r (call $sources (i32.const 0) (i32.const 0) (i32.const 1024) (i32.const 4096)))
    (local.set $n (i32.wrap_i64 (local.get $r)))
    (if (i32.gt_u (local.get $n) (i32.const 4096))
      (then
        (drop (call $result (i32.const 0) (i32.const 0) (i32.const 1024) (i32.const 65536)))))
    (global.set $got (local.get $n)))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10000))
  (func (export "jobbox_run") (result i32)
    (if (i32.eq (global.get $got) (i32.const 2))
      (then (drop (call $fail (i32.const 0) (i32.const 34) (i32.const 0) (i32.const 0))))
      (else (drop (call $fail (i32.const 1024) (select (global.get $got) (i32.const 4096) (i32.lt_u (global.get $got) (i32.const 4096))) (i32.const 0) (i32.const 0)))))
    (i32.const 0)))
