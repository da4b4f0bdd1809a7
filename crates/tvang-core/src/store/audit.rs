//! The hash-chained audit log, and reveals of fødselsnummer that it records.

use super::*;

impl Store {
    pub(super) fn audit_guard(&self) -> std::sync::MutexGuard<'_, ()> {
        // A panic while holding it left nothing half-written (batches are atomic).
        self.audit_lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The next sequence number of the log and the hash of its newest entry.
    pub(super) fn audit_head(&self) -> Result<(u64, String), StoreError> {
        let next = self.meta_u64(META_NEXT_AUDIT)?;
        let head = match self
            .data
            .get(META_AUDIT_HEAD)
            .map_err(|e| self.sled_err(e))?
        {
            Some(v) => String::from_utf8(v.to_vec()).map_err(|_| self.corrupt("audit_head"))?,
            None => crate::audit::GENESIS.to_string(),
        };
        Ok((next, head))
    }

    /// Appends events to the log in `batch` (with the head and counter). The caller holds
    /// [`Store::audit_guard`] until the batch is applied.
    pub(super) fn chain_events(
        &self,
        batch: &mut sled::Batch,
        events: Vec<Event>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let (next, head) = self.audit_head()?;
        Ok(chain_after(batch, events, next, head))
    }
}

/// Appends events to the log after entry `next - 1` whose hash is `head`.
pub(super) fn chain_after(
    batch: &mut sled::Batch,
    events: Vec<Event>,
    mut next: u64,
    mut head: String,
) -> Vec<AuditEntry> {
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        let entry = AuditEntry::chain(event, next, &head);
        batch.insert(id_key(b'L', next), to_json(&entry));
        if let Some(record) = entry.record {
            batch.insert(id_suffixed(record_key(b'l', record), next), vec![]);
        }
        head = entry.hash.clone();
        next += 1;
        out.push(entry);
    }
    batch.insert(META_NEXT_AUDIT, &next.to_be_bytes());
    batch.insert(META_AUDIT_HEAD, head.as_bytes());
    out
}

impl Store {
    /// Writes events to the audit log on their own (a reveal, an export), flushed.
    pub fn log(&self, events: Vec<Event>) -> Result<Vec<AuditEntry>, StoreError> {
        let mut batch = sled::Batch::default();
        let _guard = self.audit_guard();
        let entries = self.chain_events(&mut batch, events)?;
        self.ensure_room(SMALL_WRITE_BYTES)?;
        self.data.apply_batch(batch).map_err(|e| self.sled_err(e))?;
        self.flush()?;
        Ok(entries)
    }

    /// The protocol as stored, for an inspector who asked to see it unmasked; the reveal is
    /// written to the audit log (flushed) before it is returned, when there was anything to
    /// reveal. `via` says where (`tvang show`, the detail view).
    pub fn reveal_protocol(
        &self,
        id: u64,
        author: &str,
        at: DateTime<Utc>,
        via: &str,
    ) -> Result<Option<StoredProtocol>, StoreError> {
        let record = self.protocol_unmasked(id)?;
        self.reveal(
            record,
            StoredProtocol::masked,
            RecordRef::protocol(id),
            author,
            at,
            via,
        )
    }

    /// A complaint as stored; see [`Store::reveal_protocol`].
    pub fn reveal_complaint(
        &self,
        id: u64,
        author: &str,
        at: DateTime<Utc>,
        via: &str,
    ) -> Result<Option<StoredComplaint>, StoreError> {
        let record = self.complaint_unmasked(id)?;
        self.reveal(
            record,
            StoredComplaint::masked,
            RecordRef::complaint(id),
            author,
            at,
            via,
        )
    }

    /// Logs the reveal of `record` when masking would have hidden something, then hands it over.
    pub(super) fn reveal<T: Clone + PartialEq>(
        &self,
        record: Option<T>,
        masked: fn(T) -> T,
        which: RecordRef,
        author: &str,
        at: DateTime<Utc>,
        via: &str,
    ) -> Result<Option<T>, StoreError> {
        if let Some(r) = &record {
            if masked(r.clone()) != *r {
                self.log(vec![Event::new(at, author, crate::audit::Action::Reveal)
                    .record(which)
                    .change("", via)])?;
            }
        }
        Ok(record)
    }

    /// The log entries about one record, oldest first.
    pub fn audit(&self, record: RecordRef) -> Result<Vec<AuditEntry>, StoreError> {
        let mut out = Vec::new();
        for key in self.data.scan_prefix(record_key(b'l', record)).keys() {
            let key = key.map_err(|e| self.sled_err(e))?;
            let seq = trailing_id(&key).ok_or_else(|| self.corrupt(printable_key(&key)))?;
            let entry = self
                .get_json(&id_key(b'L', seq))?
                .ok_or_else(|| self.corrupt(format!("{} -> L{seq}", printable_key(&key))))?;
            out.push(entry);
        }
        Ok(out)
    }

    /// The whole log in stored order; an entry that does not decode is an `Err` with why, so
    /// that [`crate::audit::verify`] can name it.
    pub fn audit_log(
        &self,
    ) -> impl Iterator<Item = Result<Result<AuditEntry, String>, StoreError>> + '_ {
        self.data.scan_prefix([b'L']).map(move |entry| {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            Ok(decode_json(&value).map_err(|e| format!("{}: {e}", printable_key(&key))))
        })
    }

    /// Recomputes the audit log's chain.
    pub fn verify_audit(&self) -> Result<crate::audit::Verified, StoreError> {
        let entries: Vec<Result<AuditEntry, String>> =
            self.audit_log().collect::<Result<_, _>>()?;
        let recorded = self
            .data
            .get(META_AUDIT_HEAD)
            .map_err(|e| self.sled_err(e))?
            .map(|v| String::from_utf8_lossy(&v).into_owned());
        Ok(crate::audit::verify(entries, recorded.as_deref()))
    }
}
