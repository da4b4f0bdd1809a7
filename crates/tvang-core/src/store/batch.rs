//! Writing an import batch: records, identities, indexes and counters in one atomic sled batch.

use super::*;

impl Store {
    /// Writes one batch atomically and flushes it. Returns one outcome per incoming record, in order.
    ///
    /// The batch extends the audit log in the same write: one entry per file that gained or
    /// replaced records, and one per record replaced (`--update`), by `author`.
    pub fn write_batch(
        &self,
        items: &[(String, Incoming)],
        update: bool,
        catalogue: &Catalogue,
        now: DateTime<Utc>,
        author: &str,
    ) -> Result<Vec<WriteOutcome>, StoreError> {
        let mut w = self.batch_writer()?;
        let mut outcomes = Vec::with_capacity(items.len());
        let mut events = Vec::new();
        // Per file, in order met: records new and replaced.
        let mut files: Vec<(&str, usize, usize)> = Vec::new();
        for (source, item) in items {
            let (outcome, record) = match item {
                Incoming::Protocol(p, json, facts) => {
                    let (outcome, id) =
                        w.write_protocol(source, p, json, facts, update, catalogue, now)?;
                    (outcome, RecordRef::protocol(id))
                }
                Incoming::Complaint(c, json) => {
                    let (outcome, id) = w.write_complaint(source, c, json, update, now)?;
                    (outcome, RecordRef::complaint(id))
                }
                Incoming::Document(d, json) => {
                    // Not a record: the audit log counts the record read from it. A document
                    // whose record conflicted with the stored one is not kept, so importing it
                    // again reports the conflict again instead of passing it over as read.
                    let outcome = match outcomes.last() {
                        Some(WriteOutcome::Conflict { fields }) => WriteOutcome::Conflict {
                            fields: fields.clone(),
                        },
                        _ => w.write_document(d, json)?,
                    };
                    outcomes.push(outcome);
                    continue;
                }
            };
            let file = source.rsplit_once(':').map_or(source.as_str(), |(f, _)| f);
            if files.last().is_none_or(|(f, _, _)| *f != file) {
                files.push((file, 0, 0));
            }
            let counts = files.last_mut().expect("pushed above");
            match &outcome {
                WriteOutcome::New => counts.1 += 1,
                WriteOutcome::Updated { fields, replaced } => {
                    counts.2 += 1;
                    events.push(
                        Event::new(now, author, crate::audit::Action::Import)
                            .record(record)
                            .field(fields.join(", "))
                            .change(
                                format!("versjon {replaced}"),
                                format!("versjon {} fra {source}", replaced + 1),
                            ),
                    );
                }
                WriteOutcome::Unchanged | WriteOutcome::Conflict { .. } => {}
            }
            outcomes.push(outcome);
        }
        let summaries = files
            .into_iter()
            .filter(|(_, new, updated)| new + updated > 0)
            .map(|(file, new, updated)| {
                Event::new(now, author, crate::audit::Action::Import)
                    .field(file)
                    .change("", crate::audit_text::import_logged(new, updated))
            });
        let events: Vec<Event> = summaries.chain(events).collect();
        let mut batch = sled::Batch::default();
        let bytes = w.finish(&mut batch)?;
        // Never let sled meet a full disk: a write it cannot finish has left a record's index
        // entry without the record. Stopping before the batch keeps every batch whole.
        self.ensure_room(bytes)?;
        let _guard = self.audit_guard();
        if !events.is_empty() {
            self.chain_events(&mut batch, events)?;
        }
        self.data.apply_batch(batch).map_err(|e| self.sled_err(e))?;
        self.flush()?;
        Ok(outcomes)
    }

    pub(super) fn batch_writer(&self) -> Result<BatchWriter<'_>, StoreError> {
        Ok(BatchWriter {
            store: self,
            overlay: HashMap::new(),
            postings: HashMap::new(),
            next_id: self.meta_u64(META_NEXT_ID)?.max(1),
            protocols: self.protocol_count()?,
            complaints: self.complaint_count()?,
            aliases_seen: Default::default(),
            facts: BTreeMap::new(),
            narratives: BTreeMap::new(),
        })
    }
}

/// Collects a batch's writes (the last write of a key wins) and reads through them, so a batch
/// that names one record twice sees its own writes.
pub(super) struct BatchWriter<'a> {
    store: &'a Store,
    /// key → new value, or `None` to remove.
    overlay: HashMap<Vec<u8>, Option<Vec<u8>>>,
    /// Posting-list changes of this batch: prefix → (ids to add, ids to remove).
    postings: HashMap<Vec<u8>, (BTreeSet<u64>, BTreeSet<u64>)>,
    next_id: u64,
    protocols: u64,
    complaints: u64,
    /// Institution aliases already checked in this batch.
    aliases_seen: std::collections::HashSet<Vec<u8>>,
    /// Facts of the protocols this batch stores, merged into their chunks at the end.
    facts: BTreeMap<u64, Vec<u8>>,
    /// Their long texts, likewise.
    narratives: BTreeMap<u64, Vec<u8>>,
}

impl BatchWriter<'_> {
    /// Everything the batch wrote — records, postings, fact and text chunks, counters — into
    /// `batch`, in key order (sled appends to the same leaves instead of hopping around).
    /// Puts every write into `batch`; returns how many bytes of keys and values it holds.
    pub(super) fn finish(mut self, batch: &mut sled::Batch) -> Result<u64, StoreError> {
        self.write_postings()?;
        let (facts, narratives) = (
            std::mem::take(&mut self.facts),
            std::mem::take(&mut self.narratives),
        );
        self.merge_chunks(ChunkKind::Facts, facts)?;
        self.merge_chunks(ChunkKind::Narratives, narratives)?;
        self.set(META_NEXT_ID.to_vec(), self.next_id.to_be_bytes().to_vec());
        self.set(
            META_PROTOCOLS.to_vec(),
            self.protocols.to_be_bytes().to_vec(),
        );
        self.set(
            META_COMPLAINTS.to_vec(),
            self.complaints.to_be_bytes().to_vec(),
        );
        let mut writes: Vec<_> = self.overlay.into_iter().collect();
        writes.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut bytes = 0u64;
        for (key, value) in writes {
            bytes += (key.len() + value.as_ref().map_or(0, Vec::len)) as u64;
            match value {
                Some(v) => batch.insert(key, v),
                None => batch.remove(key),
            }
        }
        Ok(bytes)
    }

    pub(super) fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        if let Some(v) = self.overlay.get(key) {
            return Ok(v.clone());
        }
        self.store
            .data
            .get(key)
            .map(|v| v.map(|v| v.to_vec()))
            .map_err(|e| self.store.sled_err(e))
    }

    pub(super) fn set(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.overlay.insert(key, Some(value));
    }

    pub(super) fn remove(&mut self, key: Vec<u8>) {
        self.overlay.insert(key, None);
    }

    pub(super) fn allocate_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    pub(super) fn existing<T: for<'de> Deserialize<'de>>(
        &self,
        identity: &[u8],
        record_prefix: u8,
    ) -> Result<Option<(u64, T, Vec<u8>)>, StoreError> {
        let Some(raw_id) = self.get(identity)? else {
            return Ok(None);
        };
        let id = decode_u64(&raw_id).ok_or_else(|| self.store.corrupt(printable_key(identity)))?;
        let key = id_key(record_prefix, id);
        let value = self.get(&key)?.ok_or_else(|| {
            self.store
                .corrupt(format!("{} -> missing record", printable_key(identity)))
        })?;
        let record = decode_json(&value)
            .map_err(|e| self.store.corrupt(format!("{}: {e}", printable_key(&key))))?;
        Ok(Some((id, record, value)))
    }

    pub(super) fn replace_index(
        &mut self,
        old: Vec<(Vec<u8>, Vec<u8>)>,
        new: Vec<(Vec<u8>, Vec<u8>)>,
    ) {
        let new_keys: BTreeSet<&Vec<u8>> = new.iter().map(|(k, _)| k).collect();
        for (k, _) in &old {
            if !new_keys.contains(k) {
                self.remove(k.clone());
            }
        }
        for (k, v) in new {
            self.set(k, v);
        }
    }

    pub(super) fn post(&mut self, prefixes: BTreeSet<Vec<u8>>, id: u64, add: bool) {
        for prefix in prefixes {
            let (adds, removes) = self.postings.entry(prefix).or_default();
            if add {
                removes.remove(&id);
                adds.insert(id);
            } else {
                adds.remove(&id);
                removes.insert(id);
            }
        }
    }

    /// Records that an institution name has an org.nr, once.
    pub(super) fn ensure_alias(&mut self, p: &Protocol) -> Result<(), StoreError> {
        if p.institution_id.is_none() {
            return Ok(());
        }
        let key = text_key(
            b"xa",
            &[
                &institution_key(&p.institution, None),
                &institution_key(&p.institution, p.institution_id.as_deref()),
            ],
        );
        if self.aliases_seen.insert(key.clone()) && self.get(&key)?.is_none() {
            self.set(key, vec![]);
        }
        Ok(())
    }

    /// Merges this batch's facts or narratives into their chunks.
    pub(super) fn merge_chunks(
        &mut self,
        kind: ChunkKind,
        pending: BTreeMap<u64, Vec<u8>>,
    ) -> Result<(), StoreError> {
        let mut by_chunk: BTreeMap<u32, Vec<(u64, Vec<u8>)>> = BTreeMap::new();
        for (id, bytes) in pending {
            by_chunk
                .entry(facts_chunk_of(id))
                .or_default()
                .push((id, bytes));
        }
        for (chunk, new) in by_chunk {
            let key = chunk_key(kind.prefix(), chunk);
            let mut entries: BTreeMap<u64, Vec<u8>> = match self.get(&key)? {
                Some(v) => kind
                    .plain(v)
                    .as_deref()
                    .and_then(facts_entries)
                    .ok_or_else(|| self.store.corrupt(printable_key(&key)))?
                    .into_iter()
                    .map(|(id, b)| (id, b.to_vec()))
                    .collect(),
                None => BTreeMap::new(),
            };
            entries.extend(new);
            for (key, value) in kind.stored(chunk, &entries) {
                self.set(key, value);
            }
        }
        Ok(())
    }

    /// Merges this batch's posting changes into the stored chunks.
    pub(super) fn write_postings(&mut self) -> Result<(), StoreError> {
        let postings = std::mem::take(&mut self.postings);
        for (prefix, (adds, removes)) in postings {
            let mut chunks: BTreeSet<u32> = BTreeSet::new();
            chunks.extend(adds.iter().chain(removes.iter()).map(|id| chunk_of(*id)));
            for chunk in chunks {
                let key = posting_key(&prefix, chunk);
                let mut ids: BTreeSet<u64> = match self.get(&key)? {
                    Some(v) => decode_postings(&v)
                        .ok_or_else(|| self.store.corrupt(printable_key(&key)))?
                        .collect(),
                    None => BTreeSet::new(),
                };
                ids.extend(adds.iter().filter(|id| chunk_of(**id) == chunk));
                for id in removes.iter().filter(|id| chunk_of(**id) == chunk) {
                    ids.remove(id);
                }
                if ids.is_empty() {
                    self.remove(key);
                } else {
                    self.set(key, ids.iter().flat_map(|id| id.to_be_bytes()).collect());
                }
            }
        }
        Ok(())
    }

    /// Keeps a replaced version (its stored bytes as they were) under `h`.
    pub(super) fn keep_history(&mut self, id: u64, version: u32, stored: Vec<u8>) {
        let mut key = id_key(b'h', id);
        key.extend_from_slice(&version.to_be_bytes());
        self.set(key, stored);
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn write_protocol(
        &mut self,
        source: &str,
        p: &Protocol,
        json: &[u8],
        facts: &[u8],
        update: bool,
        catalogue: &Catalogue,
        now: DateTime<Utc>,
    ) -> Result<(WriteOutcome, u64), StoreError> {
        let identity = identity_key(b'P', &p.key());
        match self.existing::<StoredProtocol>(&identity, b'p')? {
            None => {
                let id = self.allocate_id();
                self.set(identity, id.to_be_bytes().to_vec());
                self.set(
                    id_key(b'p', id),
                    stored_json(id, 1, source, now, "protocol", json),
                );
                self.facts.insert(id, facts.to_vec());
                self.narratives
                    .insert(id, crate::facts::encode_narrative(p));
                self.post(protocol_postings(p, catalogue), id, true);
                self.ensure_alias(p)?;
                self.protocols += 1;
                Ok((WriteOutcome::New, id))
            }
            Some((id, old, _)) if old.protocol == *p => Ok((WriteOutcome::Unchanged, id)),
            Some((id, old, old_bytes)) => {
                let fields = differing_fields(&old.protocol, p);
                if !update {
                    return Ok((WriteOutcome::Conflict { fields }, id));
                }
                self.keep_history(id, old.version, old_bytes);
                let stored = stored_json(id, old.version + 1, source, now, "protocol", json);
                self.set(id_key(b'p', id), stored);
                self.facts.insert(id, facts.to_vec());
                self.narratives
                    .insert(id, crate::facts::encode_narrative(p));
                let (old_postings, new_postings) = (
                    protocol_postings(&old.protocol, catalogue),
                    protocol_postings(p, catalogue),
                );
                self.post(&old_postings - &new_postings, id, false);
                self.post(new_postings, id, true);
                self.ensure_alias(p)?;
                Ok((
                    WriteOutcome::Updated {
                        fields,
                        replaced: old.version,
                    },
                    id,
                ))
            }
        }
    }

    /// A stored record as this batch sees it (its own writes first).
    pub(super) fn stored<T: for<'de> Deserialize<'de>>(
        &self,
        prefix: u8,
        id: u64,
    ) -> Result<T, StoreError> {
        let key = id_key(prefix, id);
        let value = self
            .get(&key)?
            .ok_or_else(|| self.store.corrupt(printable_key(&key)))?;
        decode_json(&value).map_err(|e| self.store.corrupt(format!("{}: {e}", printable_key(&key))))
    }

    /// A new version of a complaint that concerns `protocol_id` (at its own institution), the
    /// old one kept as history: the inverse change, old and new id.
    pub(super) fn link_complaint(
        &mut self,
        id: u64,
        protocol_id: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<(Change, String, String)>, StoreError> {
        let old: StoredComplaint = self.stored(b'k', id)?;
        if old.complaint.protocol_id == protocol_id {
            return Ok(None);
        }
        let mut linked = old.complaint.clone();
        linked.protocol_id = protocol_id.to_string();
        if let Incoming::Complaint(c, json) = Incoming::complaint(linked) {
            self.write_complaint(&old.source, &c, &json, true, at)?;
        }
        let before = old.complaint.protocol_id;
        Ok(Some((
            Change::LinkProtocol(before.clone()),
            before,
            protocol_id.to_string(),
        )))
    }

    /// A document is kept once, however often it is imported; a record read from several
    /// documents (the Word file and the PDF printed from it) lists each.
    pub(super) fn write_document(
        &mut self,
        d: &SourceDocument,
        json: &[u8],
    ) -> Result<WriteOutcome, StoreError> {
        let Some(key) = document_key(&d.sha256) else {
            return Err(self.store.corrupt(format!("dokument {}", d.sha256)));
        };
        if self.get(&key)?.is_some() {
            return Ok(WriteOutcome::Unchanged);
        }
        self.set(key, json.to_vec());
        self.set(document_index_key(d), Vec::new());
        Ok(WriteOutcome::New)
    }

    pub(super) fn write_complaint(
        &mut self,
        source: &str,
        c: &Complaint,
        json: &[u8],
        update: bool,
        now: DateTime<Utc>,
    ) -> Result<(WriteOutcome, u64), StoreError> {
        let identity = identity_key(b'K', &c.key());
        match self.existing::<StoredComplaint>(&identity, b'k')? {
            None => {
                let id = self.allocate_id();
                self.set(identity, id.to_be_bytes().to_vec());
                self.set(
                    id_key(b'k', id),
                    stored_json(id, 1, source, now, "complaint", json),
                );
                for (k, v) in complaint_index_entries(id, c) {
                    self.set(k, v);
                }
                self.complaints += 1;
                Ok((WriteOutcome::New, id))
            }
            Some((id, old, _)) if old.complaint == *c => Ok((WriteOutcome::Unchanged, id)),
            Some((id, old, old_bytes)) => {
                let fields = differing_fields(&old.complaint, c);
                if !update {
                    return Ok((WriteOutcome::Conflict { fields }, id));
                }
                self.keep_history(id, old.version, old_bytes);
                let stored = stored_json(id, old.version + 1, source, now, "complaint", json);
                self.set(id_key(b'k', id), stored);
                self.replace_index(
                    complaint_index_entries(id, &old.complaint),
                    complaint_index_entries(id, c),
                );
                Ok((
                    WriteOutcome::Updated {
                        fields,
                        replaced: old.version,
                    },
                    id,
                ))
            }
        }
    }
}

/// A stored record: `StoredProtocol` / `StoredComplaint` JSON whose record part was compressed on
/// the reader thread. Layout: [`SPLIT_LZ4`], the length (u32) of the envelope's JSON up to the
/// record, that JSON, then the record's lz4-compressed JSON; [`decode_json`] puts them back
/// together. A value starting with `{` is plain JSON.
pub(super) fn stored_json(
    id: u64,
    version: u32,
    source: &str,
    imported_at: DateTime<Utc>,
    field: &str,
    compressed_record: &[u8],
) -> Vec<u8> {
    let mut prefix = format!("{{\"id\":{id},\"version\":{version},\"source\":").into_bytes();
    prefix.extend_from_slice(&to_json(&source));
    prefix.extend_from_slice(b",\"imported_at\":");
    prefix.extend_from_slice(&to_json(&imported_at));
    prefix.extend_from_slice(format!(",\"{field}\":").as_bytes());
    let mut out = Vec::with_capacity(5 + prefix.len() + compressed_record.len());
    out.push(SPLIT_LZ4);
    out.extend_from_slice(&(prefix.len() as u32).to_be_bytes());
    out.extend_from_slice(&prefix);
    out.extend_from_slice(compressed_record);
    out
}
