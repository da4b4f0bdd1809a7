//! `tvang show INSTITUTION/ID`: one protocol or complaint.

use super::args::resolve_reference;
use super::output::{emit, Failure};
use clap::{Args, ValueEnum};
use std::process::ExitCode;
use tvang::catalogue::Catalogue;
use tvang::checklist::Loaded;
use tvang::review::RecordRef;
use tvang::store::Store;
use tvang::text;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ShowFormat {
    Text,
    Json,
}

#[derive(Args, Debug)]
pub(super) struct ShowArgs {
    /// INSTITUTION/ID, e.g. "Solbakken ungdomshjem/2023/0145" or 998877001/2023/0145
    reference: String,
    #[arg(long, value_enum, default_value = "text")]
    format: ShowFormat,
    /// Show fødselsnummer found in the texts unmasked (written to the audit log)
    #[arg(long)]
    reveal: bool,
}

pub(super) fn cmd_show(
    store: &Store,
    catalogue: &Catalogue,
    args: ShowArgs,
    author: &str,
) -> Result<ExitCode, Failure> {
    let now = tvang::time::now_utc();
    let protocol = |id: u64| match args.reveal {
        true => store.reveal_protocol(id, author, now, tvang::audit_text::REVEALED_VIA_SHOW),
        false => store.protocol(id),
    };
    let complaint = |id: u64| match args.reveal {
        true => store.reveal_complaint(id, author, now, tvang::audit_text::REVEALED_VIA_SHOW),
        false => store.complaint(id),
    };
    let (protocols, complaints) = resolve_reference(store, &args.reference)?;
    let mut shown = 0;
    for id in protocols {
        let Some(sp) = protocol(id)? else {
            continue;
        };
        let mut linked = store.complaints_for_protocol(&sp.protocol)?;
        if args.reveal {
            for c in &mut linked {
                if let Some(revealed) = complaint(c.id)? {
                    *c = revealed;
                }
            }
        }
        // Each complaint as decided: the inspector's decision over the imported one.
        let linked = linked
            .into_iter()
            .map(|c| tvang::decision::with_decision(store, c))
            .collect::<Result<Vec<_>, _>>()?;
        let history = store.protocol_history(id)?;
        let loaded = Loaded::read(store, RecordRef::protocol(id))?;
        let rendered = match args.format {
            ShowFormat::Text => {
                text::protocol_detail(&sp, &linked, history.len(), catalogue, text::SHOW_WIDTH)
                    + &text::checklist_text(
                        &loaded.checklist(catalogue),
                        &loaded.review.checklist,
                        text::SHOW_WIDTH,
                    )
            }
            ShowFormat::Json => text::protocol_json(&sp, &linked, catalogue),
        };
        emit(&format!("{rendered}\n"));
        shown += 1;
    }
    for id in complaints {
        let Some(sc) = complaint(id)? else {
            continue;
        };
        let sc = tvang::decision::with_decision(store, sc)?;
        let loaded = Loaded::read(store, RecordRef::complaint(sc.id))?;
        let failed = loaded.failed_labels(catalogue);
        let protocol = store
            .protocol_for_complaint(&sc.complaint)?
            .map(protocol)
            .transpose()?
            .flatten();
        let rendered = match args.format {
            ShowFormat::Text => {
                text::complaint_detail(&sc, protocol.as_ref(), text::SHOW_WIDTH, &failed)
                    + &text::checklist_text(
                        &loaded.checklist(catalogue),
                        &loaded.review.checklist,
                        text::SHOW_WIDTH,
                    )
            }
            ShowFormat::Json => serde_json::to_string_pretty(&sc).expect("serialisable"),
        };
        emit(&format!("{rendered}\n"));
        shown += 1;
    }
    if shown == 0 {
        return Err(Failure::new(text::not_found(&args.reference), 1).hint(text::HINT_SHOW));
    }
    Ok(ExitCode::SUCCESS)
}
