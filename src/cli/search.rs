//! `tvang search QUERY…`: fuzzy search.

use super::args::ListFormat;
use super::output::{emit, emit_marked, Failure};
use clap::Args;
use std::io::IsTerminal;
use std::process::ExitCode;
use tvang::catalogue::Catalogue;
use tvang::store::Store;
use tvang::text;

#[derive(Args, Debug)]
pub(super) struct SearchArgs {
    /// Words, each matched loosely (solbakken finds Sølbakken); "quoted phrases" exactly;
    /// prefixes narrow a term: inst: child: hjemmel: tiltak: region: id: text:
    #[arg(required = true, value_name = "QUERY")]
    query: Vec<String>,
    /// At most N results (0: all)
    #[arg(long, default_value_t = 20)]
    limit: usize,
    #[arg(long, value_enum, default_value = "table")]
    format: ListFormat,
}

pub(super) fn cmd_search(
    store: &Store,
    catalogue: &Catalogue,
    args: SearchArgs,
) -> Result<ExitCode, Failure> {
    use tvang::review::RecordKind;
    use tvang::search::{load_index, Query};
    let typed = args.query.join(" ");
    let query = Query::parse(&typed);
    let index = load_index(store, catalogue)?;
    if index.is_empty() {
        super::output::warn(&text::empty_store(store.path()));
    }
    let ranked = index.search(&query);
    let limit = if args.limit == 0 {
        usize::MAX
    } else {
        args.limit
    };
    let shown = &ranked[..ranked.len().min(limit)];
    // The protocols shown, read chunk by chunk in id order (in rank order every one could
    // mean reading its chunk again).
    let mut protocol_ids: Vec<u64> = shown
        .iter()
        .filter(|r| r.record.kind == RecordKind::Protocol)
        .map(|r| r.record.id)
        .collect();
    protocol_ids.sort_unstable();
    let mut protocols: std::collections::HashMap<u64, tvang::model::Protocol> = store
        .protocol_skeletons_by_ids(&protocol_ids)?
        .into_iter()
        .collect();
    let mut hits = Vec::new();
    for r in shown {
        let (record_id, protocol_id, institution) = match r.record.kind {
            RecordKind::Protocol => match protocols.remove(&r.record.id) {
                Some(p) => (p.protocol_id, None, p.institution),
                None => continue,
            },
            RecordKind::Complaint => match store.complaint(r.record.id)? {
                Some(sc) => {
                    let c = sc.complaint;
                    let institution = c.institution.or(c.institution_id).unwrap_or_default();
                    (c.complaint_id, Some(c.protocol_id), institution)
                }
                None => continue,
            },
        };
        hits.push(text::SearchHit {
            kind: r.record.kind,
            record_id,
            protocol_id,
            institution,
            date: r.date,
            score: r.score,
            matches: index.explain(r.record, &query),
        });
    }
    match args.format {
        ListFormat::Table => {
            let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            if colour {
                // Placeholders, made bold and underlined once the texts were made safe.
                let marks = ('\u{E000}', '\u{E001}');
                let rendered =
                    text::search_table(&typed, &hits, ranked.len(), ("\u{E000}", "\u{E001}"));
                emit_marked(&rendered, marks, ("\x1b[1;4m", "\x1b[0m"));
            } else {
                emit(&text::search_table(&typed, &hits, ranked.len(), ("[", "]")));
            }
        }
        ListFormat::Json => emit(&text::search_json(&typed, &hits, ranked.len())),
    }
    // The process ends here: freeing the index's many small allocations one by one would only
    // delay the exit.
    std::mem::forget(index);
    Ok(ExitCode::SUCCESS)
}
