//! The service's privacy settings: how long personal data is kept, how long
//! a shelter's consent may last.

/// Validated privacy settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Privacy {
    /// Days a client's record outlives their last closed referral.
    pub client_retention_days: u32,
    /// Longest a shelter's consent may last, in days.
    pub shelter_consent_max_days: u32,
}

impl Default for Privacy {
    fn default() -> Self {
        Privacy {
            client_retention_days: 7 * 365 + 2,
            shelter_consent_max_days: 90,
        }
    }
}
