//! `tvang audit`: the log, or the check of its hash chain.

use super::args::{parse_date, resolve_reference, ListFormat};
use super::output::{emit, Failure};
use clap::Args;
use std::process::ExitCode;
use tvang::store::Store;
use tvang::text;

#[derive(Args, Debug)]
pub(super) struct AuditArgs {
    /// Recompute the hash chain and name the first broken entry (exit code 1 if broken)
    #[arg(long)]
    verify: bool,
    /// Only entries from this day (Oslo time) on
    #[arg(long, value_parser = parse_date, value_name = "DATE")]
    since: Option<chrono::NaiveDate>,
    /// Only entries about this record: INSTITUTION/ID as `show` takes it
    #[arg(long, value_name = "REFERENCE")]
    record: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    format: ListFormat,
}

pub(super) fn cmd_audit(store: &Store, args: AuditArgs) -> Result<ExitCode, Failure> {
    use tvang::review::RecordRef;
    if args.verify {
        let v = store.verify_audit()?;
        return Ok(match &v.broken {
            None => {
                emit(&text::audit_intact(v.entries, &v.head));
                ExitCode::SUCCESS
            }
            Some(b) => {
                super::output::warn(&format!("tvang: {}", text::audit_broken(b, v.entries)));
                ExitCode::from(1)
            }
        });
    }
    let records: Option<Vec<RecordRef>> = match &args.record {
        Some(reference) => {
            let (p, k) = resolve_reference(store, reference)?;
            if p.is_empty() && k.is_empty() {
                return Err(Failure::new(text::not_found(reference), 1));
            }
            Some(
                p.into_iter()
                    .map(RecordRef::protocol)
                    .chain(k.into_iter().map(RecordRef::complaint))
                    .collect(),
            )
        }
        None => None,
    };
    let mut entries = Vec::new();
    match records {
        Some(records) => {
            for r in records {
                entries.extend(store.audit(r)?);
            }
            entries.sort_by_key(|e| e.seq);
        }
        None => {
            for e in store.audit_log() {
                // An unreadable entry is for --verify to name; the listing skips it.
                if let Ok(e) = e? {
                    entries.push(e);
                }
            }
        }
    }
    if let Some(day) = args.since {
        entries.retain(|e| tvang::time::oslo_date(&e.at.fixed_offset()) >= day);
    }
    // Records named as the inspector knows them, read once each.
    let mut names: std::collections::HashMap<RecordRef, String> = Default::default();
    for e in &entries {
        if let Some(r) = e.record {
            if let std::collections::hash_map::Entry::Vacant(slot) = names.entry(r) {
                slot.insert(record_name(store, r)?);
            }
        }
    }
    let rendered = match args.format {
        ListFormat::Table => text::audit_table(&entries, &names),
        ListFormat::Json => text::audit_json(&entries, &names),
    };
    emit(&rendered);
    Ok(ExitCode::SUCCESS)
}

/// INSTITUTION/ID of a stored record (its store id if it is gone).
pub(super) fn record_name(store: &Store, r: tvang::review::RecordRef) -> Result<String, Failure> {
    use tvang::review::RecordKind;
    Ok(match r.kind {
        RecordKind::Protocol => store
            .protocol_skeleton(r.id)?
            .map(|p| format!("{}/{}", p.institution, p.protocol_id)),
        RecordKind::Complaint => store.complaint(r.id)?.map(|c| {
            let c = c.complaint;
            format!(
                "{}/{}",
                c.institution.or(c.institution_id).unwrap_or_default(),
                c.complaint_id
            )
        }),
    }
    .unwrap_or_else(|| format!("#{}", r.id)))
}
