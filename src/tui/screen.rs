//! What a screen is, apart from its state: the statistics screen's tabs. A leaf the words
//! ([`super::text`]) and the state both use.

/// The statistics screen's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::VariantArray)]
pub enum StatsTab {
    /// Per year or month: charts of protocols, complaints, the ratio and the upheld share.
    Time,
    Provision,
    Region,
    /// The funnel plot of institutions.
    Institution,
}

impl StatsTab {
    /// Every variant in declaration order, derived: a new variant is in it.
    pub const ALL: &'static [StatsTab] = <StatsTab as strum::VariantArray>::VARIANTS;
}
