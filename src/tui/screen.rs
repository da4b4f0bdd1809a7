//! What a screen is, apart from its state: the statistics screen's tabs. A leaf the words
//! ([`super::text`]) and the state both use.

/// The statistics screen's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsTab {
    /// Per year or month: charts of protocols, complaints, the ratio and the upheld share.
    Time,
    Provision,
    Region,
    /// The funnel plot of institutions.
    Institution,
}

impl StatsTab {
    pub const ALL: [StatsTab; 4] = [
        StatsTab::Time,
        StatsTab::Provision,
        StatsTab::Region,
        StatsTab::Institution,
    ];
}
