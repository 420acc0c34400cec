;; A guest that grows its memory a page at a time until the host refuses,
;; then keeps asking: a memory bomb that ignores failure.
(module
  (memory (export "memory") 1)
  (func (export "_initialize"))
  (func (export "jobbox_abi_version") (result i32) (i32.const 0x10000))
  (func (export "jobbox_run") (result i32)
    (loop $more
      (drop (memory.grow (i32.const 16)))
      (br $more))
    (i32.const 1)))
