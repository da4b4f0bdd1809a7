//! Reading records: protocols, complaints, their documents, versions and identity keys.

use super::*;

impl Store {
    /// A protocol without its long texts, from its facts (see [`crate::facts`]).
    pub fn protocol_skeleton(&self, id: u64) -> Result<Option<Protocol>, StoreError> {
        Ok(self.protocol_skeletons_by_ids(&[id])?.pop().map(|(_, p)| p))
    }

    /// The skeletons of the given protocols (those that exist), in the order given.
    pub fn protocol_skeletons_by_ids(
        &self,
        ids: &[u64],
    ) -> Result<Vec<(u64, Protocol)>, StoreError> {
        let mut out = Vec::with_capacity(ids.len());
        let mut current: Option<(u32, sled::IVec)> = None;
        for &id in ids {
            let chunk = facts_chunk_of(id);
            if current.as_ref().is_none_or(|(c, _)| *c != chunk) {
                current = self
                    .data
                    .get(chunk_key(b'F', chunk))
                    .map_err(|e| self.sled_err(e))?
                    .map(|v| (chunk, v));
            }
            let Some((_, value)) = &current else { continue };
            let entries = facts_entries(value).ok_or_else(|| self.corrupt(format!("F{chunk}")))?;
            if let Some((_, bytes)) = entries.iter().find(|(i, _)| *i == id) {
                let p = crate::facts::decode_skeleton(bytes)
                    .ok_or_else(|| self.corrupt(format!("F{chunk}/{id}")))?;
                out.push((id, p));
            }
        }
        Ok(out)
    }

    /// Every protocol without its long texts, in import order: the fast way to load them all.
    pub fn protocol_skeletons(&self) -> Result<Vec<(u64, Protocol)>, StoreError> {
        Ok(self
            .protocol_facts()?
            .into_iter()
            .map(|(id, p, _)| (id, p))
            .collect())
    }

    /// The document with these bytes (SHA-256 in hex), if it was imported before.
    pub fn document(&self, sha256: &str) -> Result<Option<SourceDocument>, StoreError> {
        let Some(key) = document_key(sha256) else {
            return Ok(None);
        };
        match self.data.get(&key).map_err(|e| self.sled_err(e))? {
            Some(v) => lz4_flex::decompress_size_prepended(&v)
                .map_err(|e| e.to_string())
                .and_then(|json| serde_json::from_slice(&json).map_err(|e| e.to_string()))
                .map(Some)
                .map_err(|e| self.corrupt(format!("dokument {sha256}: {e}"))),
            None => Ok(None),
        }
    }

    /// The documents a record was read from, oldest import first.
    pub fn documents_for(
        &self,
        complaint: bool,
        key: &RecordKey,
    ) -> Result<Vec<SourceDocument>, StoreError> {
        let prefix = text_key(
            b"xo",
            &[if complaint { "k" } else { "p" }, &key.institution, &key.id],
        );
        let mut out = Vec::new();
        for entry in self.data.scan_prefix(&prefix).keys() {
            let entry = entry.map_err(|e| self.sled_err(e))?;
            let sha = String::from_utf8_lossy(&entry[prefix.len()..]).into_owned();
            if let Some(d) = self.document(&sha)? {
                out.push(d);
            }
        }
        out.sort_by_key(|d| d.imported_at);
        Ok(out)
    }

    /// A protocol, its fødselsnummer masked ([`crate::privacy`]): what anyone may see.
    pub fn protocol(&self, id: u64) -> Result<Option<StoredProtocol>, StoreError> {
        Ok(self.protocol_unmasked(id)?.map(StoredProtocol::masked))
    }

    /// A protocol as stored. Only for an inspector's explicit reveal, which the caller writes to
    /// the audit log, and for backup.
    pub fn protocol_unmasked(&self, id: u64) -> Result<Option<StoredProtocol>, StoreError> {
        self.get_json(&id_key(b'p', id))
    }

    /// A complaint, masked like [`Store::protocol`].
    pub fn complaint(&self, id: u64) -> Result<Option<StoredComplaint>, StoreError> {
        Ok(self.complaint_unmasked(id)?.map(StoredComplaint::masked))
    }

    /// A complaint as stored; see [`Store::protocol_unmasked`].
    pub fn complaint_unmasked(&self, id: u64) -> Result<Option<StoredComplaint>, StoreError> {
        self.get_json(&id_key(b'k', id))
    }

    pub fn protocol_id_by_key(&self, key: &RecordKey) -> Result<Option<u64>, StoreError> {
        self.get_id(&identity_key(b'P', key))
    }

    pub fn complaint_id_by_key(&self, key: &RecordKey) -> Result<Option<u64>, StoreError> {
        self.get_id(&identity_key(b'K', key))
    }

    /// Finds protocols by institution (org.nr or name, case-insensitive) and protocol id.
    pub fn find_protocols(
        &self,
        institution: &str,
        protocol_id: &str,
    ) -> Result<Vec<u64>, StoreError> {
        self.find_by_identity(b'P', institution, protocol_id)
    }

    /// Finds complaints by institution (org.nr or name, case-insensitive) and complaint id.
    pub fn find_complaints(
        &self,
        institution: &str,
        complaint_id: &str,
    ) -> Result<Vec<u64>, StoreError> {
        self.find_by_identity(b'K', institution, complaint_id)
    }

    fn find_by_identity(
        &self,
        kind: u8,
        institution: &str,
        record_id: &str,
    ) -> Result<Vec<u64>, StoreError> {
        let mut found = BTreeSet::new();
        let name_key = institution_key(institution, None);
        let mut inst_keys = vec![
            institution_key(institution, Some(institution)),
            name_key.clone(),
        ];
        inst_keys.extend(self.org_aliases(&name_key)?);
        for inst in inst_keys {
            if let Some(id) = self.get_id(&identity_key(kind, &RecordKey::new(inst, record_id)))? {
                found.insert(id);
            }
        }
        Ok(found.into_iter().collect())
    }

    /// Protocols with this exact id at institutions whose name contains `query` (folded, so
    /// `solvberget` finds `Sølvberget omsorgssenter`). Scans identity keys only.
    pub fn find_protocols_loose(
        &self,
        query: &str,
        protocol_id: &str,
    ) -> Result<Vec<u64>, StoreError> {
        self.find_loose(b"P", query, protocol_id)
    }

    /// Complaints with this exact id at institutions whose name contains `query`, as
    /// [`Store::find_protocols_loose`].
    pub fn find_complaints_loose(
        &self,
        query: &str,
        complaint_id: &str,
    ) -> Result<Vec<u64>, StoreError> {
        self.find_loose(b"K", query, complaint_id)
    }

    fn find_loose(
        &self,
        kind: &[u8],
        query: &str,
        record_id: &str,
    ) -> Result<Vec<u64>, StoreError> {
        let needle = crate::fold::fold(query);
        let name_matches = |name_key: &[u8]| {
            name_key.strip_prefix(b"name:").is_some_and(|name| {
                crate::fold::fold(&String::from_utf8_lossy(name)).contains(&needle)
            })
        };
        // Org keys whose institution name matches.
        let orgs: BTreeSet<Vec<u8>> = self
            .alias_pairs(None)?
            .into_iter()
            .filter(|(name, _)| name_matches(name.as_bytes()))
            .map(|(_, org)| org.into_bytes())
            .collect();
        let mut found = BTreeSet::new();
        for entry in self.data.scan_prefix(kind) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            let mut parts = key[1..].split(|&b| b == 0);
            let (Some(inst), Some(id)) = (parts.next(), parts.next()) else {
                continue;
            };
            if id == record_id.as_bytes() && (name_matches(inst) || orgs.contains(inst)) {
                found.insert(decode_u64(&value).ok_or_else(|| self.corrupt(printable_key(&key)))?);
            }
        }
        Ok(found.into_iter().collect())
    }

    /// The protocol a complaint concerns, if it is in the store.
    pub fn protocol_for_complaint(&self, c: &Complaint) -> Result<Option<u64>, StoreError> {
        let aliases = match c.institution_name_key() {
            Some(name_key) => self.org_aliases(&name_key)?,
            None => Vec::new(),
        };
        for key in c.protocol_keys(&aliases) {
            if let Some(id) = self.protocol_id_by_key(&key)? {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// Institution name key → org keys, for every institution that gave both.
    pub fn all_org_aliases(&self) -> Result<HashMap<String, Vec<String>>, StoreError> {
        let mut out: HashMap<String, Vec<String>> = HashMap::new();
        for (name, org) in self.alias_pairs(None)? {
            out.entry(name).or_default().push(org);
        }
        Ok(out)
    }

    /// The complaints about a protocol, oldest import first.
    pub fn complaints_for_protocol(
        &self,
        p: &Protocol,
    ) -> Result<Vec<StoredComplaint>, StoreError> {
        let mut ids = BTreeSet::new();
        let mut inst_keys = vec![institution_key(&p.institution, p.institution_id.as_deref())];
        if p.institution_id.is_some() {
            inst_keys.push(institution_key(&p.institution, None));
        }
        for inst in inst_keys {
            let prefix = text_key(b"xk", &[&inst, &p.protocol_id]);
            for entry in self.data.scan_prefix(&prefix).keys() {
                let key = entry.map_err(|e| self.sled_err(e))?;
                ids.insert(trailing_id(&key).ok_or_else(|| self.corrupt(printable_key(&key)))?);
            }
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(
                self.complaint(id)?
                    .ok_or_else(|| self.corrupt(format!("index xk -> k{id}")))?,
            );
        }
        Ok(out)
    }

    /// Every protocol, in import order, masked.
    pub fn protocols(&self) -> impl Iterator<Item = Result<StoredProtocol, StoreError>> + '_ {
        self.protocols_unmasked()
            .map(|r| r.map(StoredProtocol::masked))
    }

    /// Every protocol as stored; see [`Store::protocol_unmasked`].
    pub fn protocols_unmasked(
        &self,
    ) -> impl Iterator<Item = Result<StoredProtocol, StoreError>> + '_ {
        self.scan_records(b'p')
    }

    /// Every complaint, in import order, masked.
    pub fn complaints(&self) -> impl Iterator<Item = Result<StoredComplaint, StoreError>> + '_ {
        self.complaints_unmasked()
            .map(|r| r.map(StoredComplaint::masked))
    }

    /// Every complaint as stored; see [`Store::protocol_unmasked`].
    pub fn complaints_unmasked(
        &self,
    ) -> impl Iterator<Item = Result<StoredComplaint, StoreError>> + '_ {
        self.scan_records(b'k')
    }

    pub(super) fn scan_records<T: for<'de> Deserialize<'de>>(
        &self,
        prefix: u8,
    ) -> impl Iterator<Item = Result<T, StoreError>> + '_ {
        self.data.scan_prefix([prefix]).map(move |entry| {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            decode_json(&value).map_err(|e| self.corrupt(format!("{}: {e}", printable_key(&key))))
        })
    }

    /// Org keys known for an institution name key (from protocols that gave both).
    pub(super) fn org_aliases(&self, name_key: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .alias_pairs(Some(name_key))?
            .into_iter()
            .map(|(_, org)| org)
            .collect())
    }

    /// The institution aliases (name key, org key), all or for one name key.
    pub(super) fn alias_pairs(
        &self,
        name_key: Option<&str>,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let prefix = match name_key {
            Some(name) => text_key(b"xa", &[name]),
            None => b"xa".to_vec(),
        };
        let mut out = Vec::new();
        for key in self.data.scan_prefix(&prefix).keys() {
            let key = key.map_err(|e| self.sled_err(e))?;
            let mut parts = key[2..].split(|&b| b == 0);
            if let (Some(name), Some(org)) = (parts.next(), parts.next()) {
                out.push((
                    String::from_utf8_lossy(name).into_owned(),
                    String::from_utf8_lossy(org).into_owned(),
                ));
            }
        }
        Ok(out)
    }

    /// The JSON values under a key prefix, in key order; `label` names them when one is corrupt.
    pub(super) fn json_values<T: for<'de> Deserialize<'de>>(
        &self,
        prefix: &[u8],
        label: &str,
    ) -> Result<Vec<T>, StoreError> {
        self.data
            .scan_prefix(prefix)
            .values()
            .map(|v| {
                let v = v.map_err(|e| self.sled_err(e))?;
                decode_json(&v).map_err(|e| self.corrupt(format!("{label}: {e}")))
            })
            .collect()
    }

    /// Earlier versions of a protocol replaced by `--update`, oldest first, masked.
    pub fn protocol_history(&self, id: u64) -> Result<Vec<StoredProtocol>, StoreError> {
        let versions: Vec<StoredProtocol> =
            self.json_values(&id_key(b'h', id), &format!("h{id}"))?;
        Ok(versions.into_iter().map(StoredProtocol::masked).collect())
    }
}

impl Store {
    /// The protocols at a complaint's institution (by org.nr, name and the name's org.nr
    /// aliases), to link a complaint that does not name its protocol.
    pub fn protocols_at_institution_of(&self, c: &Complaint) -> Result<Vec<u64>, StoreError> {
        let aliases = match c.institution_name_key() {
            Some(name_key) => self.org_aliases(&name_key)?,
            None => Vec::new(),
        };
        let mut found = BTreeSet::new();
        for key in c.protocol_keys(&aliases) {
            let prefix = text_key(b"P", &[&key.institution]);
            for entry in self.data.scan_prefix(&prefix) {
                let (_, value) = entry.map_err(|e| self.sled_err(e))?;
                found.insert(decode_u64(&value).ok_or_else(|| self.corrupt("P"))?);
            }
        }
        Ok(found.into_iter().collect())
    }
}
