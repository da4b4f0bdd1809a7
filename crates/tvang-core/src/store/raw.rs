//! Raw key/value access for backup and restore.

use super::*;

impl Store {
    /// Every key and value, in key order: with the store held by this process, a consistent
    /// snapshot (what [`crate::backup`] writes).
    pub fn raw_entries(&self) -> impl Iterator<Item = Result<(Bytes, Bytes), StoreError>> + '_ {
        self.data.iter().map(move |e| {
            e.map(|(k, v)| (Bytes(k), Bytes(v)))
                .map_err(|e| self.sled_err(e))
        })
    }

    /// Whether the store holds nothing anyone made: no records, reviews, log or saved filters.
    pub fn is_empty_of_data(&self) -> Result<bool, StoreError> {
        for prefix in [b'p', b'k', b'r', b'L', b's', b'a', b'D'] {
            if self
                .data
                .scan_prefix([prefix])
                .next()
                .transpose()
                .map_err(|e| self.sled_err(e))?
                .is_some()
            {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Writes part of a backup's entries in one atomic batch, flushed. Each batch marks the
    /// store as being restored, [`Store::finish_restore`] clears the mark: a store whose restore
    /// was cut off refuses to open instead of passing for a whole one.
    pub fn restore_batch(&self, entries: Vec<(Vec<u8>, Vec<u8>)>) -> Result<(), StoreError> {
        let bytes: u64 = entries
            .iter()
            .map(|(k, v)| (k.len() + v.len()) as u64)
            .sum();
        let mut batch = sled::Batch::default();
        batch.insert(META_RESTORING, &[1u8]);
        for (k, v) in entries {
            batch.insert(k, v);
        }
        self.ensure_room(bytes)?;
        self.data.apply_batch(batch).map_err(|e| self.sled_err(e))?;
        self.flush()
    }

    /// Ends a restore: clears the mark, brings the schema up to this build's (a backup from an
    /// older tvang) and logs the restore.
    pub fn finish_restore(&self, restored: Event) -> Result<(), StoreError> {
        self.data
            .remove(META_RESTORING)
            .map_err(|e| self.sled_err(e))?;
        self.flush()?;
        self.check_schema()?;
        self.log(vec![restored])?;
        Ok(())
    }
}
