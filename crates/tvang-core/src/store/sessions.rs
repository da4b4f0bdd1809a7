//! Review sessions: their state, their worklists, the active one.

use super::*;

impl Store {
    pub(super) fn session_key(name: &str, part: u8) -> Vec<u8> {
        [b"S".as_slice(), name.as_bytes(), &[0, part]].concat()
    }

    /// Stores a new session, and makes it the active one if asked; flushed. Returns false
    /// (and writes nothing) when a session of that name exists.
    pub fn create_session(
        &self,
        session: &crate::session::Session,
        activate: bool,
    ) -> Result<bool, StoreError> {
        let name = &session.state.name;
        let state_key = Store::session_key(name, b'h');
        if self
            .data
            .contains_key(&state_key)
            .map_err(|e| self.sled_err(e))?
        {
            return Ok(false);
        }
        let mut batch = sled::Batch::default();
        batch.insert(
            Store::session_key(name, b'i'),
            crate::session::encode_items(&session.items),
        );
        batch.insert(state_key, to_json(&session.state));
        if activate {
            batch.insert(META_ACTIVE_SESSION, name.as_bytes());
        }
        self.ensure_room(SMALL_WRITE_BYTES)?;
        self.data.apply_batch(batch).map_err(|e| self.sled_err(e))?;
        self.flush()?;
        Ok(true)
    }

    /// Every session with its worklist, by name.
    pub fn sessions(&self) -> Result<Vec<crate::session::Session>, StoreError> {
        let mut out: Vec<crate::session::Session> = Vec::new();
        // A session's state (`S` name 0 `h`) sorts just before its worklist (`S` name 0 `i`).
        for entry in self.data.scan_prefix(b"S") {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            if key.ends_with(&[0, b'h']) {
                out.push(crate::session::Session {
                    state: self.decode_session_state(&key, &value)?,
                    items: Vec::new(),
                });
            } else if key.ends_with(&[0, b'i']) {
                let name = &key[1..key.len() - 2];
                if let Some(last) = out.last_mut().filter(|s| s.state.name.as_bytes() == name) {
                    last.items = crate::session::decode_items(&value)
                        .ok_or_else(|| self.corrupt(printable_key(&key)))?;
                }
            }
        }
        Ok(out)
    }

    pub(super) fn decode_session_state(
        &self,
        key: &[u8],
        value: &[u8],
    ) -> Result<crate::session::SessionState, StoreError> {
        decode_json(value).map_err(|e| self.corrupt(format!("{}: {e}", printable_key(key))))
    }

    pub fn session_state(
        &self,
        name: &str,
    ) -> Result<Option<crate::session::SessionState>, StoreError> {
        let key = Store::session_key(name, b'h');
        match self.data.get(&key).map_err(|e| self.sled_err(e))? {
            Some(v) => self.decode_session_state(&key, &v).map(Some),
            None => Ok(None),
        }
    }

    /// A session with its worklist.
    pub fn session(&self, name: &str) -> Result<Option<crate::session::Session>, StoreError> {
        let Some(state) = self.session_state(name)? else {
            return Ok(None);
        };
        let key = Store::session_key(name, b'i');
        let bytes = self
            .data
            .get(&key)
            .map_err(|e| self.sled_err(e))?
            .unwrap_or_default();
        let items = crate::session::decode_items(&bytes)
            .ok_or_else(|| self.corrupt(printable_key(&key)))?;
        Ok(Some(crate::session::Session { state, items }))
    }

    /// Writes a session's state (position, time, closed), flushed.
    pub fn save_session_state(
        &self,
        state: &crate::session::SessionState,
    ) -> Result<(), StoreError> {
        self.data
            .insert(Store::session_key(&state.name, b'h'), to_json(state))
            .map_err(|e| self.sled_err(e))?;
        self.flush()
    }

    /// Appends records to a session's worklist (the ones imported later that the inspector
    /// chose to take in), flushed.
    pub fn add_session_items(
        &self,
        name: &str,
        records: &[RecordRef],
    ) -> Result<Option<crate::session::Session>, StoreError> {
        let Some(mut session) = self.session(name)? else {
            return Ok(None);
        };
        let known: BTreeSet<RecordRef> = session.items.iter().copied().collect();
        session
            .items
            .extend(records.iter().filter(|r| !known.contains(r)));
        self.data
            .insert(
                Store::session_key(name, b'i'),
                crate::session::encode_items(&session.items),
            )
            .map_err(|e| self.sled_err(e))?;
        self.flush()?;
        Ok(Some(session))
    }

    /// The session the TUI was last working in.
    pub fn active_session(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .data
            .get(META_ACTIVE_SESSION)
            .map_err(|e| self.sled_err(e))?
            .map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    pub fn set_active_session(&self, name: Option<&str>) -> Result<(), StoreError> {
        match name {
            Some(n) => self.data.insert(META_ACTIVE_SESSION, n.as_bytes()),
            None => self.data.remove(META_ACTIVE_SESSION),
        }
        .map_err(|e| self.sled_err(e))?;
        self.flush()
    }
}
