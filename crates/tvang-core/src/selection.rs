//! What the inspector selects and how it is ordered, as pure data: the queue's filter, its
//! columns and sort. Sessions store these, the store keeps saved filters; the queue
//! ([`crate::queue`]) applies them. A leaf below the store, so sessions need not reach the queue.

use crate::review::Status;
use crate::triage::TriageFlag;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Columns the queue sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::VariantArray)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Date,
    Institution,
    Child,
    Provision,
    Kind,
    Duration,
    Flags,
    Status,
    Complaint,
    /// Complaint rows: the due day ([`crate::deadline`]), shown as days left or overdue.
    Due,
}

impl Column {
    /// Every variant in declaration order, derived: a new variant is in it.
    pub const ALL: &'static [Column] = <Column as strum::VariantArray>::VARIANTS;

    pub fn name(self) -> String {
        crate::review::json_name(&self)
    }

    pub fn from_name(name: &str) -> Option<Column> {
        Column::ALL.iter().copied().find(|c| c.name() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    pub column: Column,
    pub descending: bool,
}

impl Default for Sort {
    /// Newest first: what an inspector opens the queue to see.
    fn default() -> Sort {
        Sort {
            column: Column::Date,
            descending: true,
        }
    }
}

/// What the queue shows. Conditions combine with "and"; a list within one condition with "or"
/// (statuses) or "and" (flags: every one listed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueueFilter {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<Status>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provision: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<TriageFlag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_complaint: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Complaints only: open past their due day ([`crate::deadline`]), or not. Protocol rows
    /// are not narrowed by it, as complaint statuses do not narrow them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
}

/// A filter condition the inspector typed that tvang cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterParseError {
    /// `key=value` expected.
    NotAPair(String),
    UnknownKey(String),
    BadValue {
        key: String,
        value: String,
    },
}

/// The keys `QueueFilter::parse` reads, in the order the filter bar shows them.
pub const FILTER_KEYS: [&str; 11] = [
    "status",
    "provision",
    "kind",
    "institution",
    "region",
    "flag",
    "from",
    "to",
    "complaint",
    "tag",
    "overdue",
];

impl QueueFilter {
    pub fn is_empty(&self) -> bool {
        *self == QueueFilter::default()
    }

    /// Adds the conditions of `status=ny,oppfolging flag=injury from=2024-01-01 …` to this filter
    /// (a key given again replaces its value; an empty value removes the condition).
    pub fn apply_text(&mut self, text: &str) -> Result<(), FilterParseError> {
        for token in text.split_whitespace() {
            let Some((key, value)) = token.split_once('=') else {
                return Err(FilterParseError::NotAPair(token.to_string()));
            };
            self.set(key, value)?;
        }
        Ok(())
    }

    /// Sets one condition, `value` written as in [`QueueFilter::apply_text`] (`_` for a space
    /// in names; spaces are kept as they are); an empty value removes the condition.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), FilterParseError> {
        let bad = || FilterParseError::BadValue {
            key: key.to_string(),
            value: value.to_string(),
        };
        let text = (!value.is_empty()).then(|| value.replace('_', " "));
        let date = |v: &str| -> Result<Option<NaiveDate>, FilterParseError> {
            if v.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| bad())
        };
        let list = || value.split(',').filter(|v| !v.is_empty());
        let yes_no = || match value {
            "" => Ok(None),
            "yes" | "ja" | "true" => Ok(Some(true)),
            "no" | "nei" | "false" => Ok(Some(false)),
            _ => Err(bad()),
        };
        match key {
            "status" => {
                self.status = list()
                    .map(|v| Status::from_name(v).ok_or_else(bad))
                    .collect::<Result<_, _>>()?
            }
            "provision" => self.provision = (!value.is_empty()).then(|| value.to_string()),
            "kind" => self.kind = (!value.is_empty()).then(|| value.to_string()),
            "institution" => self.institution = text,
            "region" => self.region = text,
            "flag" | "flags" => {
                self.flags = list()
                    .map(|v| TriageFlag::from_name(v).ok_or_else(bad))
                    .collect::<Result<_, _>>()?
            }
            "from" => self.from = date(value)?,
            "to" => self.to = date(value)?,
            "complaint" => self.has_complaint = yes_no()?,
            "tag" => self.tag = (!value.is_empty()).then(|| value.to_string()),
            "overdue" | "forfalt" => self.overdue = yes_no()?,
            _ => return Err(FilterParseError::UnknownKey(key.to_string())),
        }
        Ok(())
    }

    /// The conditions as `key=value` pairs, in [`FILTER_KEYS`] order (what the filter bar shows
    /// and what [`QueueFilter::apply_text`] reads back).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let join = |names: Vec<String>| names.join(",");
        let mut out = Vec::new();
        if !self.status.is_empty() {
            out.push((
                "status",
                join(self.status.iter().map(|s| s.name().to_string()).collect()),
            ));
        }
        let mut text = |key, v: &Option<String>| {
            if let Some(v) = v {
                out.push((key, v.replace(' ', "_")));
            }
        };
        text("provision", &self.provision);
        text("kind", &self.kind);
        text("institution", &self.institution);
        text("region", &self.region);
        if !self.flags.is_empty() {
            out.push(("flag", join(self.flags.iter().map(|f| f.name()).collect())));
        }
        if let Some(d) = self.from {
            out.push(("from", d.to_string()));
        }
        if let Some(d) = self.to {
            out.push(("to", d.to_string()));
        }
        if let Some(c) = self.has_complaint {
            out.push(("complaint", if c { "yes" } else { "no" }.to_string()));
        }
        if let Some(t) = &self.tag {
            out.push(("tag", t.clone()));
        }
        if let Some(o) = self.overdue {
            out.push(("overdue", if o { "yes" } else { "no" }.to_string()));
        }
        out
    }
}
