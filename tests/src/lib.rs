//! End-to-end suite of rvf-boot (see `tests/tests/`).
