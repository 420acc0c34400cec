;; Every construct the rewriter renumbers or wraps, for the tests that run it
;; before and after instrumenting and compare. Each export returns a value
;; that depends on the construct working.
(module
  (type $binop (func (param i32 i32) (result i32)))
  (import "env" "add" (func $host_add (param i32 i32) (result i32)))
  (table 4 funcref)
  (elem (i32.const 0) $sub $mul)                    ;; active, function indices
  (elem (table 0) (i32.const 2) funcref (ref.func $sub) (ref.null func)) ;; active, expressions
  (elem declare func $mul)                          ;; declarative
  (global $fn (mut funcref) (ref.func $mul))        ;; ref.func in an initialiser
  (global $started (mut i32) (i32.const 0))
  (memory (export "memory") 1)
  (start $start)

  (func $start (global.set $started (i32.const 7)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (func $mul (type $binop) (i32.mul (local.get 0) (local.get 1)))

  ;; sum 1..n with a loop and an early return from inside nested blocks
  (func (export "loop_sum") (param $n i32) (result i32)
    (local $acc i32)
    (block $out
      (loop $next
        (if (i32.eqz (local.get $n)) (then (return (local.get $acc))))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i32.const -1))

  ;; recursion: fib(n)
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  ;; recursion without end, for the stack limit
  (func $forever (export "forever") (param i32) (result i32)
    (call $forever (i32.add (local.get 0) (i32.const 1))))

  ;; call_indirect through both segments, the host import, ref.func, start
  (func (export "indirect") (result i32)
    (i32.add
      (i32.add (call_indirect (type $binop) (i32.const 10) (i32.const 3) (i32.const 0))  ;; 7
               (call_indirect (type $binop) (i32.const 10) (i32.const 3) (i32.const 1))) ;; 30
      (i32.add (call_indirect (type $binop) (i32.const 1) (i32.const 2) (i32.const 2))   ;; -1
               (call $host_add (global.get $started) (ref.is_null (global.get $fn)))))) ;; 7

  ;; two results, returned from a nested block by br to the function label
  (func $pair (param i32) (result i32 i32)
    (block
      (br_if 1 (local.get 0) (i32.const 2) (local.get 0))
      (drop) (drop))
    (i32.const 5) (i32.const 6))
  (func (export "multi") (param i32) (result i32)
    (call $pair (local.get 0))
    (i32.mul))

  ;; br_table to the function label and to a block
  (func (export "table") (param i32) (result i32)
    (block $b (result i32)
      (br_table $b 1 (i32.const 40) (local.get 0)))
    (i32.const 2)
    (i32.add))

  ;; a long straight-line function with no loop and no call: not metered
  (func (export "leaf") (result i32)
    (i32.add (i32.const 1) (i32.const 2)))
)
