;; A module that is valid WebAssembly but no jobbox guest.
(module
  (func (export "main")))
