//! See tests/legacy.rs.
