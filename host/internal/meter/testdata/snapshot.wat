;; A guest whose whole state a snapshot can hold: active data segments (one
;; in the second page), a passive one it never copies, and mutable numeric
;; globals. The tests compare its memory as wazero lays it out with the
;; memory the host lays out from Snapshot.Data.
(module
  (memory (export "memory") 2)
  (global $counter (mut i32) (i32.const 41))
  (global $wide (mut i64) (i64.const -1))
  (global $fixed i32 (i32.const 3))
  (data (i32.const 16) "hello")
  (data (i32.const 70000) "\01\02\03")
  (data "passive, kept whole")
  (data (memory 0) (i32.const 1024) "explicit memory")
  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (global.get $fixed)))
    (global.set $wide (i64.add (global.get $wide) (i64.const 1)))
    (global.get $counter)))
