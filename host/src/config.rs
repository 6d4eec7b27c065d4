//! What a host brings to a session: its features (after the user's mask),
//! a forced segment, and the limits every run is bounded by.

use crate::trust::TrustPolicy;
use interpreter::{caps, Limits};

/// The host side of a session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostConfig {
    /// Features the user allows (e.g. `-simd` removes SIMD); the engine's
    /// own capabilities bound them (see [`HostConfig::features`]).
    pub allowed_features: u16,
    /// Run this directory index (it is still fully verified).
    pub force_segment: Option<usize>,
    /// Fuel, memory, recursion and size limits of every run.
    pub limits: Limits,
    /// Accept data segments whose content hash is unset (all zero) where a
    /// hash is checked: nothing is verified for them. Off by default.
    pub allow_unhashed: bool,
    /// Run only code (and, unless the policy says otherwise, read only
    /// data) signed by one of these keys. `None`: no policy (the code is
    /// unauthenticated, and front ends say so).
    pub policy: Option<TrustPolicy>,
    /// Run the kernel inside the file's own interpreter segment (two-stage:
    /// this host's sandbox runs the interpreter, which runs the kernel)
    /// instead of in this host's sandbox directly.
    pub via_interpreter: bool,
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            allowed_features: caps::host_features(),
            force_segment: None,
            limits: Limits::default(),
            allow_unhashed: false,
            policy: None,
            via_interpreter: false,
        }
    }
}

impl HostConfig {
    /// The features this host runs: what the user allows ∩ what the engine has.
    pub fn features(&self) -> u16 {
        self.allowed_features & caps::host_features()
    }

    /// Apply a user's mask spec (`none`, `-simd`, `simd,bulk-memory`) to
    /// the engine's features.
    pub fn with_mask(mut self, spec: &str) -> Result<Self, rvf_spec::format::MaskError<'_>> {
        self.allowed_features = rvf_spec::format::apply_feature_mask(spec, caps::host_features())?;
        Ok(self)
    }
}
