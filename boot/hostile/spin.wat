;; Hostile solver module for the firmware's sandbox test: it speaks the ABI
;; (rvf imports only, every export with the right type) so that it is
;; admitted, then misbehaves in rvf_run.
(module
  (import "rvf" "info" (func $info (param i32) (result i64)))
  (memory (export "memory") 1)
  (global $next (mut i32) (i32.const 1024))
  (func (export "rvf_abi_version") (result i32) (i32.const 0x00010000))
  (func (export "rvf_alloc") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $next))
    (global.set $next (i32.add (global.get $next) (i32.and (i32.add (local.get $n) (i32.const 7)) (i32.const -8))))
    (local.get $p))
  (func (export "rvf_set_params") (param i32 i32) (result i32) (i32.const 0))
;; Spin forever: only the fuel budget stops it.
  (func (export "rvf_run") (result i32)
    (loop $spin (br $spin))
    (i32.const 0))
  (func (export "rvf_result_ptr") (result i32) (i32.const 0))
  (func (export "rvf_result_len") (result i32) (i32.const 0))
  (func (export "rvf_report_ptr") (result i32) (i32.const 512)))
