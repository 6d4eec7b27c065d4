//! Run receipts (docs/RECEIPTS.md): the schema name and version every host
//! writes and reads (rvf-host's `receipt`, the JS host's `replay.mjs`). The
//! engine a two-stage run's kernel runs in is [`crate::interp::engine`].

/// The `schema` field of every receipt.
pub const SCHEMA: &str = "rvf-boot/receipt";
/// The `version` field: the one version hosts read.
pub const VERSION: u32 = 1;
