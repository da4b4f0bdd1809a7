//! Opening an older store: the schema check and the upgrades that rebuild derived keys.

use super::*;

/// The old checklist's items (before schema 8) and the conditions they are now.
pub const CHECKLIST_RENAMED_IN_SCHEMA_8: [(&str, &str); 9] = [
    ("akutt_fare", "bvl-10-7.akutt_fare"),
    ("fare_gjenstand", "bvl-10-7.fare_gjenstand"),
    ("strengt_nodvendig", "bvl-10-7.strengt_nodvendig"),
    ("forholdsmessig", "bvl-10-7.forholdsmessig"),
    ("opphort_straks", "bvl-10-7.opphort_straks"),
    ("isolasjon_krav", "bvl-10-7.isolasjon_krav"),
    ("formaal", "bvl-10-7.formaal"),
    (
        "forebygging_etterarbeid",
        "bvl-10-7.forebygging_etterarbeid",
    ),
    ("saksbehandling", "felles.saksbehandling"),
];

impl Store {
    pub(super) fn check_schema(&self) -> Result<(), StoreError> {
        if self
            .data
            .contains_key(META_RESTORING)
            .map_err(|e| self.sled_err(e))?
        {
            return Err(self.corrupt(
                "gjenopprettingen ble avbrutt; slett mappen og kjør «tvang restore» på nytt",
            ));
        }
        match self.data.get(META_SCHEMA).map_err(|e| self.sled_err(e))? {
            Some(v) => {
                let found = decode_u32(&v).ok_or_else(|| self.corrupt("schema_version"))?;
                if found > SCHEMA_VERSION {
                    return Err(StoreError::NewerSchema {
                        path: self.path.clone(),
                        found,
                        supported: SCHEMA_VERSION,
                    });
                }
                if found < SCHEMA_VERSION {
                    self.add_derived()?;
                }
                Ok(())
            }
            None => {
                self.data
                    .insert(META_SCHEMA, &SCHEMA_VERSION.to_be_bytes())
                    .map_err(|e| self.sled_err(e))?;
                self.flush()
            }
        }
    }

    /// An older schema → this one: writes the facts and the narrative of every protocol, chunk
    /// by chunk, then the version, in one batch, flushed. Interrupted, it simply runs again at the
    /// next open.
    pub(super) fn add_derived(&self) -> Result<(), StoreError> {
        let mut chunk: Option<u32> = None;
        let mut facts: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
        let mut narratives: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
        let mut batch = sled::Batch::default();
        let write_chunk = |batch: &mut sled::Batch,
                           c: u32,
                           facts: &mut BTreeMap<u64, Vec<u8>>,
                           narratives: &mut BTreeMap<u64, Vec<u8>>| {
            let values = ChunkKind::Facts
                .stored(c, facts)
                .into_iter()
                .chain(ChunkKind::Narratives.stored(c, narratives));
            for (key, value) in values {
                batch.insert(key, value);
            }
            facts.clear();
            narratives.clear();
        };
        for sp in self.protocols_unmasked() {
            let sp = sp?;
            let c = facts_chunk_of(sp.id);
            if let Some(prev) = chunk.filter(|prev| *prev != c) {
                write_chunk(&mut batch, prev, &mut facts, &mut narratives);
            }
            chunk = Some(c);
            facts.insert(sp.id, crate::facts::encode(&sp.protocol));
            narratives.insert(sp.id, crate::facts::encode_narrative(&sp.protocol));
        }
        if let Some(c) = chunk {
            write_chunk(&mut batch, c, &mut facts, &mut narratives);
        }
        let _guard = self.audit_guard();
        self.migrate_audit_entries(&mut batch)?;
        self.migrate_checklists(&mut batch)?;
        batch.insert(META_SCHEMA, &SCHEMA_VERSION.to_be_bytes());
        self.ensure_room(SMALL_WRITE_BYTES)?;
        self.data.apply_batch(batch).map_err(|e| self.sled_err(e))?;
        self.flush()
    }

    /// Schema 5 kept an unchained trail per record (`a`); schema 6 moves it, in its order, into
    /// the chained log.
    pub(super) fn migrate_audit_entries(&self, batch: &mut sled::Batch) -> Result<(), StoreError> {
        #[derive(Deserialize)]
        struct Unchained {
            at: DateTime<Utc>,
            author: String,
            record: RecordRef,
            field: String,
            old: String,
            new: String,
        }
        let mut old: Vec<(u64, Unchained)> = Vec::new();
        for entry in self.data.scan_prefix([b'a']) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let seq = trailing_id(&key).ok_or_else(|| self.corrupt(printable_key(&key)))?;
            let e = decode_json(&value)
                .map_err(|e| self.corrupt(format!("{}: {e}", printable_key(&key))))?;
            old.push((seq, e));
            batch.remove(key);
        }
        if old.is_empty() {
            return Ok(());
        }
        old.sort_by_key(|(seq, _)| *seq);
        let events = old.into_iter().map(|(_, e)| {
            Event::new(e.at, &e.author, crate::audit::Action::Change)
                .record(e.record)
                .field(e.field)
                .change(e.old, e.new)
        });
        // Before schema 6 there was no chained log: it starts here, at 0 (the old counter
        // numbered the per-record trails).
        chain_after(
            batch,
            events.collect(),
            0,
            crate::audit::GENESIS.to_string(),
        );
        Ok(())
    }

    /// Schema 7 kept one checklist for all provisions, `item → assessment`; schema 8 keys each
    /// assessment by its condition in the catalogue and lets it carry a reason
    /// (`bvl-10-7.akutt_fare → {assessment}`). Every assessment is kept, under its new id.
    pub(super) fn migrate_checklists(&self, batch: &mut sled::Batch) -> Result<(), StoreError> {
        for entry in self.data.scan_prefix([b'r']) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let mut review: serde_json::Value = decode_json(&value)
                .map_err(|e| self.corrupt(format!("{}: {e}", printable_key(&key))))?;
            let Some(serde_json::Value::Object(old)) = review.get_mut("checklist") else {
                continue;
            };
            if !old.values().any(serde_json::Value::is_string) {
                continue;
            }
            let upgraded: serde_json::Map<String, serde_json::Value> = std::mem::take(old)
                .into_iter()
                .map(|(item, assessment)| {
                    let id = CHECKLIST_RENAMED_IN_SCHEMA_8
                        .iter()
                        .find(|(old, _)| *old == item)
                        .map_or(item, |(_, new)| new.to_string());
                    let check = match assessment {
                        serde_json::Value::String(_) => {
                            serde_json::json!({ "assessment": assessment })
                        }
                        other => other,
                    };
                    (id, check)
                })
                .collect();
            *old = upgraded;
            let review: Review = serde_json::from_value(review)
                .map_err(|e| self.corrupt(format!("{}: {e}", printable_key(&key))))?;
            batch.insert(key, to_json(&review));
        }
        Ok(())
    }
}
