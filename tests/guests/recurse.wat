;; A guest that recurses without end and without loops, directly and
;; through a table: the stack depth limit must end it, not the host's
;; memory.
(module
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $down)
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10000))
  (func $down (param $n i32) (result i32)
    (i32.add (i32.const 1)
      (call_indirect (type $t) (i32.add (local.get $n) (i32.const 1)) (i32.const 0))))
  (func $deep (param $n i32) (result i32)
    (if (result i32) (i32.gt_u (local.get $n) (i32.const 1000))
      (then (call $down (local.get $n)))
      (else (i32.add (i32.const 1) (call $deep (i32.add (local.get $n) (i32.const 1)))))))
  (func (export "jobbox_run") (result i32)
    (drop (call $deep (i32.const 0)))
    (i32.const 1)))
