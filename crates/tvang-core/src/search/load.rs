//! Building the search index from the store: facts and narrative chunks for protocols (no JSON
//! decoding), complaints, and the inspectors' annotations.

use super::{Document, Field, SearchIndex, SplitChunk};
use crate::catalogue::Catalogue;
use crate::facts::{decode_narrative, decode_view, decode_vocabulary, Narrative, View};
use crate::review::{RecordKind, RecordRef, Review};
use crate::store::{chunk_number, facts_chunk_of};
use crate::store::{Store, StoreError, StoredComplaint};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::HashMap;

/// The index over every protocol and complaint in the store.
pub fn load_index(store: &Store, catalogue: &Catalogue) -> Result<SearchIndex, StoreError> {
    load(store, catalogue, true)
}

/// `use_vocabularies`: take the narratives' words from the store's chunk vocabularies (off only
/// to check that both ways give the same index).
fn load(
    store: &Store,
    catalogue: &Catalogue,
    use_vocabularies: bool,
) -> Result<SearchIndex, StoreError> {
    // Complaints are JSON, decoded on their own thread while the protocols' chunks load.
    let (complaints, facts, narrative_chunks, vocabulary_chunks) = std::thread::scope(|scope| {
        let complaints = scope.spawn(|| store.complaints().collect::<Result<Vec<_>, _>>());
        let chunks = store
            .facts_chunks()
            .and_then(|f| Ok((f, store.narrative_chunks()?, store.vocabulary_chunks()?)));
        let complaints = complaints
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        chunks.and_then(|(f, n, w)| Ok((complaints?, f, n, w)))
    })?;
    let views = store.decode_facts(&facts, decode_view)?;
    let narrative_list = store.decode_facts(&narrative_chunks, decode_narrative)?;
    let split =
        split_chunks(&views, &narrative_list, &vocabulary_chunks).filter(|_| use_vocabularies);
    let narratives: FxHashMap<u64, Narrative> = narrative_list.into_iter().collect();
    let protocol_reviews = store.reviews(RecordKind::Protocol)?;
    let complaint_reviews = store.reviews(RecordKind::Complaint)?;
    let mut names = CatalogueNames::new(catalogue);
    let protocols = views.iter().map(|(id, view)| {
        let mut d = protocol_document(*id, view, narratives.get(id), &mut names);
        add_annotations(&mut d, &protocol_reviews);
        d
    });
    let complaints = complaints.iter().map(|sc| {
        let mut d = complaint_document(sc);
        add_annotations(&mut d, &complaint_reviews);
        d
    });
    let documents = protocols.chain(complaints);
    Ok(match split {
        Some(chunks) => SearchIndex::build_presplit(documents, views.len(), &chunks),
        None => SearchIndex::build(documents),
    })
}

/// The store's narrative vocabularies with the doc (position in `views`) of each chunk
/// position; `None` when they do not cover every narrative exactly (then the index splits the
/// texts itself).
fn split_chunks<'w>(
    views: &[(u64, View)],
    narratives: &[(u64, Narrative)],
    vocabularies: &'w [(crate::store::Bytes, Vec<u8>)],
) -> Option<Vec<SplitChunk<'w>>> {
    let doc_of: FxHashMap<u64, u32> = views
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i as u32))
        .collect();
    // Entries of a chunk are in id order, as `narratives` lists them.
    let mut chunk_docs: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for (id, _) in narratives {
        chunk_docs
            .entry(facts_chunk_of(*id))
            .or_default()
            .push(*doc_of.get(id)?);
    }
    let mut out = Vec::with_capacity(vocabularies.len());
    for (key, bytes) in vocabularies {
        out.push(SplitChunk {
            docs: chunk_docs.remove(&chunk_number(key)?)?,
            words: decode_vocabulary(bytes)?,
        });
    }
    chunk_docs.is_empty().then_some(out)
}

/// The texts of a record's notes and remarks, for [`SearchIndex::set_annotations`].
pub fn annotation_texts(review: &Review) -> Vec<String> {
    // Masked like every text the search shows: a note may quote a fødselsnummer.
    review
        .annotations
        .iter()
        .map(|a| crate::privacy::mask(&a.text).into_owned())
        .collect()
}

fn add_annotations<'a>(d: &mut Document<'a>, reviews: &'a HashMap<u64, Review>) {
    if let Some(r) = reviews.get(&d.record.id) {
        d.texts.extend(
            r.annotations
                .iter()
                .map(|a| (Field::Annotation, crate::privacy::mask(&a.text))),
        );
    }
}

/// The search document of a complaint: its ids, institution and text.
pub fn complaint_document(sc: &StoredComplaint) -> Document<'_> {
    let c = &sc.complaint;
    let mut values = vec![
        (Field::Id, Cow::Borrowed(c.complaint_id.as_str())),
        (Field::Id, Cow::Borrowed(c.protocol_id.as_str())),
    ];
    values.extend(
        c.institution
            .as_deref()
            .map(|i| (Field::Institution, i.into())),
    );
    values.extend(
        c.institution_id
            .as_deref()
            .map(|i| (Field::InstitutionId, i.into())),
    );
    Document {
        record: RecordRef::complaint(sc.id),
        date: c.received_at.as_ref().map(|r| r.oslo_date()),
        values,
        texts: c
            .text
            .as_deref()
            .map(|t| (Field::ComplaintText, crate::privacy::mask(t)))
            .into_iter()
            .collect(),
    }
}

/// The search document of a protocol: its facts' short fields with the catalogue's names for
/// region, provision and kind, and its narrative.
pub fn protocol_document<'a>(
    id: u64,
    view: &View<'a>,
    narrative: Option<&Narrative<'a>>,
    names: &mut CatalogueNames<'a>,
) -> Document<'a> {
    let mut values: Vec<(Field, Cow<'a, str>)> = vec![
        (Field::Id, view.protocol_id.into()),
        (Field::Institution, view.institution.into()),
    ];
    values.extend(
        view.institution_id
            .map(|i| (Field::InstitutionId, i.into())),
    );
    // The facts keep the reference as sent (repeated coercion is found by it); search shows it.
    values.extend(
        view.child_ref
            .map(|c| (Field::ChildRef, crate::privacy::mask(c))),
    );
    // Every text is shown as found, so it is masked like the record (a region, provision or
    // kind the catalogue does not know is shown as the institution wrote it).
    let mask = crate::privacy::mask;
    if let Some(r) = view.region {
        values.push((Field::Region, mask(r)));
        values.extend(names.region(r).map(|n| (Field::Region, n.into())));
    }
    for m in &view.measures {
        values.push((Field::Provision, mask(m.provision)));
        values.extend(
            names
                .provision(m.provision)
                .map(|n| (Field::Provision, n.into())),
        );
        if let Some(k) = m.kind {
            values.push((Field::Kind, mask(k)));
            values.extend(names.kind(k).map(|n| (Field::Kind, n.into())));
        }
    }
    let mut texts = Vec::new();
    if let Some(n) = narrative {
        let fields = [
            (Field::Danger, n.danger),
            (Field::Justification, n.justification),
            (Field::InjuryNote, n.injury_note),
            (Field::ChildStatement, n.child_statement),
        ];
        texts.extend(
            fields
                .into_iter()
                .filter_map(|(f, t)| t.map(|t| (f, mask(t)))),
        );
    }
    Document {
        record: RecordRef::protocol(id),
        date: Some(crate::facts::ProtocolFacts::incident_date(view)),
        values,
        texts,
    }
}

/// The catalogue's names for cited provisions, kinds and region codes, looked up once each:
/// searching `akutte` finds the protocols citing § 10-7, `Vestland` those with code `vestland`.
pub struct CatalogueNames<'c> {
    catalogue: &'c Catalogue,
    regions: FxHashMap<Box<str>, Option<&'c str>>,
    provisions: FxHashMap<Box<str>, Option<&'c str>>,
    kinds: FxHashMap<Box<str>, Option<&'c str>>,
}

impl<'c> CatalogueNames<'c> {
    pub fn new(catalogue: &'c Catalogue) -> Self {
        CatalogueNames {
            catalogue,
            regions: FxHashMap::default(),
            provisions: FxHashMap::default(),
            kinds: FxHashMap::default(),
        }
    }

    /// The name for `key` from `cache`, looked up in the catalogue the first time; `None` when
    /// the catalogue has none or it is the key itself.
    fn cached(
        catalogue: &'c Catalogue,
        cache: &mut FxHashMap<Box<str>, Option<&'c str>>,
        key: &str,
        look_up: impl Fn(&'c Catalogue) -> Option<&'c str>,
    ) -> Option<&'c str> {
        if let Some(v) = cache.get(key) {
            return *v;
        }
        let v = look_up(catalogue).filter(|n| *n != key);
        cache.insert(key.into(), v);
        v
    }

    fn region(&mut self, code: &str) -> Option<&'c str> {
        Self::cached(self.catalogue, &mut self.regions, code, |c| {
            c.region(code).map(|r| r.name.as_str())
        })
    }

    fn provision(&mut self, cited: &str) -> Option<&'c str> {
        Self::cached(self.catalogue, &mut self.provisions, cited, |c| {
            c.resolve_provision(cited).map(|p| p.title.as_str())
        })
    }

    fn kind(&mut self, kind: &str) -> Option<&'c str> {
        Self::cached(self.catalogue, &mut self.kinds, kind, |c| {
            c.kind(kind).map(|k| k.title.as_str())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{generate, GenerateOptions};
    use crate::search::Query;
    use crate::store::Incoming;

    #[test]
    fn the_store_vocabularies_give_the_same_index_as_splitting_the_texts() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        let catalogue = Catalogue::built_in();
        let g = generate(&GenerateOptions {
            protocols: 2500,
            seed: 11,
            first_year: 2023,
            last_year: 2024,
        });
        // Two batches, so that a chunk is merged with what is stored, and an update that
        // changes a narrative.
        let items: Vec<(String, Incoming)> = g
            .protocols
            .iter()
            .map(|p| ("gen".to_string(), Incoming::protocol(p.clone())))
            .chain(
                g.complaints
                    .iter()
                    .map(|c| ("gen".into(), Incoming::complaint(c.clone()))),
            )
            .collect();
        let (a, b) = items.split_at(1500);
        let now = chrono::Utc::now();
        store
            .write_batch(a, false, &catalogue, now, "test")
            .unwrap();
        store
            .write_batch(b, false, &catalogue, now, "test")
            .unwrap();
        let mut changed = g.protocols[3].clone();
        changed.danger = Some("Ungdommen klatret opp på taket og ropte.".into());
        store
            .write_batch(
                &[("upd".into(), Incoming::protocol(changed))],
                true,
                &catalogue,
                now,
                "test",
            )
            .unwrap();
        let vocab = load(&store, &catalogue, true).unwrap();
        let split = load(&store, &catalogue, false).unwrap();
        assert_eq!(vocab.len(), split.len());
        assert!(split_chunks(
            &store
                .decode_facts(&store.facts_chunks().unwrap(), decode_view)
                .unwrap(),
            &store
                .decode_facts(&store.narrative_chunks().unwrap(), decode_narrative)
                .unwrap(),
            &store.vocabulary_chunks().unwrap()
        )
        .is_some());
        for q in [
            "taket",
            "klatret",
            "ungdommen",
            "lagt i bakken",
            "\"lagt i bakken\"",
            "text:kniv",
            "solbaken",
            "ansatt slo",
            "rommet",
        ] {
            let query = Query::parse(q);
            let (a, b) = (vocab.search(&query), split.search(&query));
            assert_eq!(a, b, "{q}");
            for r in a.iter().take(5) {
                assert_eq!(
                    vocab.explain(r.record, &query),
                    split.explain(r.record, &query)
                );
            }
        }
        let updated = Query::parse("\"klatret opp på taket\"");
        assert_eq!(vocab.search(&updated).len(), 1);
    }
}
