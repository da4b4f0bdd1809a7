//! The inspectors' reviews (status, notes, classification) and their changes with the audit trail; the saved filters.

use super::*;

/// What [`Store::apply_changes`] did.
#[derive(Debug)]
pub struct Applied {
    /// The inverse changes, to apply in this order to undo.
    pub undo: Vec<(RecordRef, Change)>,
    /// The new review of every record named.
    pub reviews: HashMap<RecordRef, Review>,
}

impl Store {
    /// The review of one record (the default if nobody touched it).
    pub fn review(&self, record: RecordRef) -> Result<Review, StoreError> {
        let key = review_key(record);
        match self.data.get(&key).map_err(|e| self.sled_err(e))? {
            Some(v) => {
                decode_json(&v).map_err(|e| self.corrupt(format!("{}: {e}", printable_key(&key))))
            }
            None => Ok(Review::default()),
        }
    }

    /// Every review of records of one kind, by id.
    pub fn reviews(&self, kind: RecordKind) -> Result<HashMap<u64, Review>, StoreError> {
        let mut out = HashMap::new();
        for entry in self.data.scan_prefix([b'r', kind_byte(kind)]) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let id = trailing_id(&key).ok_or_else(|| self.corrupt(printable_key(&key)))?;
            let review = decode_json(&value)
                .map_err(|e| self.corrupt(format!("{}: {e}", printable_key(&key))))?;
            out.insert(id, review);
        }
        Ok(out)
    }

    /// Applies changes to the reviews of records, with one audit entry for each change that
    /// changed something, in one atomic batch, flushed before it returns.
    pub fn apply_changes(
        &self,
        author: &str,
        at: DateTime<Utc>,
        changes: &[(RecordRef, Change)],
    ) -> Result<Applied, StoreError> {
        self.apply_changes_correcting(author, at, changes, None)
    }

    /// [`Store::apply_changes`]; a correction of a protocol's field ([`Change::Correct`]) also
    /// writes, in the same flushed batch, a new version of the protocol made by `correct` (the
    /// version read is kept as history; facts, indexes and statistics follow the new one).
    pub fn apply_changes_correcting(
        &self,
        author: &str,
        at: DateTime<Utc>,
        changes: &[(RecordRef, Change)],
        correct: Option<(&Catalogue, Correct<'_>)>,
    ) -> Result<Applied, StoreError> {
        // Record versions these changes write (links, corrections), made only when one does.
        let mut records: Option<BatchWriter> = None;
        // Corrected protocols, one new version each however many of its fields were corrected.
        let mut corrected: BTreeMap<u64, StoredProtocol> = BTreeMap::new();
        let mut reviews: HashMap<RecordRef, Review> = HashMap::new();
        let mut inverses = Vec::new();
        let mut batch = sled::Batch::default();
        let mut events = Vec::new();
        for (record, change) in changes {
            if !reviews.contains_key(record) {
                reviews.insert(*record, self.review(*record)?);
            }
            let review = reviews.get_mut(record).expect("inserted above");
            let writes_record = match (change, record.kind) {
                (Change::LinkProtocol(_), RecordKind::Complaint) => true,
                (Change::Correct(..), RecordKind::Protocol) => correct.is_some(),
                _ => false,
            };
            if writes_record && records.is_none() {
                records = Some(self.batch_writer()?);
            }
            let applied = match change {
                Change::LinkProtocol(protocol_id) => match (&mut records, record.kind) {
                    (Some(w), RecordKind::Complaint) => {
                        w.link_complaint(record.id, protocol_id, at)?
                    }
                    _ => None,
                },
                _ => review.apply(change),
            };
            let Some((inverse, old, new)) = applied else {
                continue;
            };
            if let (Change::Correct(field, value), Some((_, correct)), Some(w), true) = (
                change,
                &correct,
                &records,
                record.kind == RecordKind::Protocol,
            ) {
                let current = match corrected.remove(&record.id) {
                    Some(stored) => stored,
                    None => w.stored(b'p', record.id)?,
                };
                let read = self.read_value(&current.protocol, field)?;
                let text = value.as_deref().or(read.as_deref());
                let protocol = match correct(&current.protocol, field, text) {
                    Ok(Some(p)) => p,
                    Ok(None) => current.protocol.clone(),
                    Err(detail) => return Err(StoreError::Refused { detail }),
                };
                corrected.insert(
                    record.id,
                    StoredProtocol {
                        protocol,
                        ..current
                    },
                );
            }
            events.push(
                Event::new(at, author, crate::audit::Action::Change)
                    .record(*record)
                    .field(change.field())
                    .change(old, new),
            );
            inverses.push((*record, inverse));
        }
        if inverses.is_empty() {
            return Ok(Applied {
                undo: inverses,
                reviews,
            });
        }
        if let Some(mut w) = records {
            if let Some((catalogue, _)) = correct {
                for stored in corrected.into_values() {
                    if let Incoming::Protocol(p, json, facts) = Incoming::protocol(stored.protocol)
                    {
                        // Unchanged (a correction back to the value read when the record holds
                        // it already) writes nothing.
                        w.write_protocol(&stored.source, &p, &json, &facts, true, catalogue, at)?;
                    }
                }
            }
            w.finish(&mut batch)?;
        }
        for (record, review) in &reviews {
            batch.insert(review_key(*record), to_json(review));
        }
        let _guard = self.audit_guard();
        self.chain_events(&mut batch, events)?;
        self.ensure_room(SMALL_WRITE_BYTES)?;
        self.data.apply_batch(batch).map_err(|e| self.sled_err(e))?;
        self.flush()?;
        inverses.reverse();
        Ok(Applied {
            undo: inverses,
            reviews,
        })
    }

    /// The value a field of a protocol was read as, from the first document it was read from.
    pub(super) fn read_value(
        &self,
        p: &Protocol,
        field: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(self
            .documents_for(false, &p.key())?
            .into_iter()
            .next()
            .and_then(|d| d.fields.into_iter().find(|f| f.field == field))
            .map(|f| f.value))
    }
}

impl Store {
    /// Saved filters by name (the value is the caller's JSON).
    pub fn saved_filters(&self) -> Result<Vec<(String, serde_json::Value)>, StoreError> {
        let mut out = Vec::new();
        for entry in self.data.scan_prefix([b's']) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let name = String::from_utf8_lossy(&key[1..]).into_owned();
            let v = decode_json(&value).map_err(|e| self.corrupt(format!("s{name}: {e}")))?;
            out.push((name, v));
        }
        Ok(out)
    }

    /// Saves (or with `None` deletes) a named filter, flushed.
    pub fn save_filter(
        &self,
        name: &str,
        filter: Option<&serde_json::Value>,
    ) -> Result<(), StoreError> {
        let key = [b"s".as_slice(), name.as_bytes()].concat();
        match filter {
            Some(f) => self.data.insert(key, to_json(f)),
            None => self.data.remove(key),
        }
        .map_err(|e| self.sled_err(e))?;
        self.flush()
    }
}
