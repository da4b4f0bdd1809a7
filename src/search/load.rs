//! Building the search index from the store: facts and narrative chunks for protocols (no JSON
//! decoding), complaints, and the inspectors' annotations.

use super::{Document, Field, SearchIndex};
use crate::catalogue::Catalogue;
use crate::facts::{decode_narrative, decode_view, Narrative, View};
use crate::review::{RecordKind, RecordRef, Review};
use crate::store::{Store, StoreError};
use rustc_hash::FxHashMap;
use std::collections::HashMap;

/// The index over every protocol and complaint in the store.
pub fn load_index(store: &Store, catalogue: &Catalogue) -> Result<SearchIndex, StoreError> {
    let facts = store.facts_chunks()?;
    let views = store.decode_facts(&facts, decode_view)?;
    let narrative_chunks = store.narrative_chunks()?;
    let narratives: FxHashMap<u64, Narrative> = store
        .decode_facts(&narrative_chunks, decode_narrative)?
        .into_iter()
        .collect();
    let protocol_reviews = store.reviews(RecordKind::Protocol)?;
    let complaint_reviews = store.reviews(RecordKind::Complaint)?;
    let mut names = CatalogueNames::new(catalogue);
    let mut documents = Vec::with_capacity(views.len());
    for (id, view) in &views {
        let mut d = protocol_document(*id, view, narratives.get(id), &mut names);
        add_annotations(&mut d, &protocol_reviews);
        documents.push(d);
    }
    for sc in store.complaints() {
        let sc = sc?;
        let c = &sc.complaint;
        let mut values = vec![
            (Field::Id, c.complaint_id.clone()),
            (Field::Id, c.protocol_id.clone()),
        ];
        values.extend(c.institution.clone().map(|i| (Field::Institution, i)));
        values.extend(c.institution_id.clone().map(|i| (Field::InstitutionId, i)));
        let mut d = Document {
            record: RecordRef::complaint(sc.id),
            date: c.received_at.as_ref().map(|r| r.oslo_date()),
            values,
            texts: c
                .text
                .clone()
                .map(|t| (Field::ComplaintText, t))
                .into_iter()
                .collect(),
        };
        add_annotations(&mut d, &complaint_reviews);
        documents.push(d);
    }
    Ok(SearchIndex::build(documents))
}

/// The texts of a record's notes and remarks, for [`SearchIndex::set_annotations`].
pub fn annotation_texts(review: &Review) -> Vec<String> {
    review.annotations.iter().map(|a| a.text.clone()).collect()
}

fn add_annotations(d: &mut Document, reviews: &HashMap<u64, Review>) {
    if let Some(r) = reviews.get(&d.record.id) {
        d.texts.extend(
            annotation_texts(r)
                .into_iter()
                .map(|t| (Field::Annotation, t)),
        );
    }
}

/// The search document of a protocol: its facts' short fields with the catalogue's names for
/// region, provision and kind, and its narrative.
pub fn protocol_document(
    id: u64,
    view: &View,
    narrative: Option<&Narrative>,
    names: &mut CatalogueNames,
) -> Document {
    let mut values = vec![
        (Field::Id, view.protocol_id.to_string()),
        (Field::Institution, view.institution.to_string()),
    ];
    values.extend(
        view.institution_id
            .map(|i| (Field::InstitutionId, i.to_string())),
    );
    values.extend(view.child_ref.map(|c| (Field::ChildRef, c.to_string())));
    if let Some(r) = view.region {
        values.push((Field::Region, r.to_string()));
        values.extend(names.region(r).map(|n| (Field::Region, n)));
    }
    for m in &view.measures {
        values.push((Field::Provision, m.provision.to_string()));
        values.extend(names.provision(m.provision).map(|n| (Field::Provision, n)));
        if let Some(k) = m.kind {
            values.push((Field::Kind, k.to_string()));
            values.extend(names.kind(k).map(|n| (Field::Kind, n)));
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
                .filter_map(|(f, t)| t.map(|t| (f, t.to_string()))),
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
    cache: FxHashMap<(u8, String), Option<String>>,
}

impl<'c> CatalogueNames<'c> {
    pub fn new(catalogue: &'c Catalogue) -> Self {
        CatalogueNames {
            catalogue,
            cache: FxHashMap::default(),
        }
    }

    fn cached(
        &mut self,
        what: u8,
        key: &str,
        look_up: impl Fn(&Catalogue) -> Option<String>,
    ) -> Option<String> {
        if let Some(v) = self.cache.get(&(what, key.to_string())) {
            return v.clone();
        }
        let v = look_up(self.catalogue).filter(|n| n != key);
        self.cache.insert((what, key.to_string()), v.clone());
        v
    }

    fn region(&mut self, code: &str) -> Option<String> {
        self.cached(b'r', code, |c| c.region(code).map(|r| r.name.clone()))
    }

    fn provision(&mut self, cited: &str) -> Option<String> {
        self.cached(b'p', cited, |c| {
            c.resolve_provision(cited).map(|p| p.title.clone())
        })
    }

    fn kind(&mut self, kind: &str) -> Option<String> {
        self.cached(b'k', kind, |c| c.kind(kind).map(|k| k.title.clone()))
    }
}
