//! Secondary indexes (posting lists in chunks) and the facts, narrative and vocabulary chunks the queue and search load.

use super::*;

impl Store {
    /// The chunks of every protocol's encoded facts (key, value), for [`Store::decode_facts`].
    pub fn facts_chunks(&self) -> Result<Vec<(Bytes, Bytes)>, StoreError> {
        self.data
            .scan_prefix([b'F'])
            .map(|kv| kv.map(|(k, v)| (Bytes(k), Bytes(v))))
            .collect::<Result<_, _>>()
            .map_err(|e| self.sled_err(e))
    }

    /// The chunks of every protocol's long texts (key, uncompressed value), for
    /// [`Store::decode_facts`] with [`crate::facts::decode_narrative`].
    pub fn narrative_chunks(&self) -> Result<Vec<(Bytes, Vec<u8>)>, StoreError> {
        self.decompressed_chunks(b'T')
    }

    /// The vocabularies of the narrative chunks (key, uncompressed value), in chunk order: for
    /// [`crate::facts::decode_vocabulary`].
    pub fn vocabulary_chunks(&self) -> Result<Vec<(Bytes, Vec<u8>)>, StoreError> {
        self.decompressed_chunks(b'W')
    }

    pub(super) fn decompressed_chunks(
        &self,
        prefix: u8,
    ) -> Result<Vec<(Bytes, Vec<u8>)>, StoreError> {
        self.data
            .scan_prefix([prefix])
            .map(|kv| {
                let (k, v) = kv.map_err(|e| self.sled_err(e))?;
                let plain = lz4_flex::decompress_size_prepended(&v)
                    .map_err(|_| self.corrupt(printable_key(&k)))?;
                Ok((Bytes(k), plain))
            })
            .collect()
    }

    /// Decodes every protocol's entry in `chunks` (facts or narratives) with `decode`, as
    /// (id, value) in store order. Decoding is most of the work of loading every protocol, so it
    /// runs on two threads; the values may borrow from the chunks
    /// ([`crate::facts::decode_view`]).
    pub fn decode_facts<'c, V: AsRef<[u8]> + Sync, T: Send>(
        &self,
        chunks: &'c [(Bytes, V)],
        decode: impl Fn(&'c [u8]) -> Option<T> + Sync,
    ) -> Result<Vec<(u64, T)>, StoreError> {
        let decode_part = |part: &'c [(Bytes, V)]| -> Result<Vec<(u64, T)>, String> {
            let mut out = Vec::new();
            for (key, value) in part {
                let entries = facts_entries(value.as_ref()).ok_or_else(|| printable_key(key))?;
                out.reserve(entries.len());
                for (id, bytes) in entries {
                    let decoded =
                        decode(bytes).ok_or_else(|| format!("{}/{id}", printable_key(key)))?;
                    out.push((id, decoded));
                }
            }
            Ok(out)
        };
        let (first, second) = chunks.split_at(chunks.len() / 2);
        let (a, b) = std::thread::scope(|scope| {
            let other = scope.spawn(|| decode_part(second));
            let a = decode_part(first);
            (
                a,
                other
                    .join()
                    .unwrap_or_else(|_| Err("decoding thread".into())),
            )
        });
        let mut out = a.map_err(|k| self.corrupt(k))?;
        out.extend(b.map_err(|k| self.corrupt(k))?);
        Ok(out)
    }

    /// Every protocol's skeleton with its narrative fingerprint ([`crate::facts::decode`]).
    #[allow(clippy::type_complexity)]
    pub fn protocol_facts(&self) -> Result<Vec<(u64, Protocol, Option<u64>)>, StoreError> {
        let chunks = self.facts_chunks()?;
        Ok(self
            .decode_facts(&chunks, crate::facts::decode)?
            .into_iter()
            .map(|(id, (p, narrative))| (id, p, narrative))
            .collect())
    }

    /// Ids of protocols whose incident day (Oslo) lies in `[from, to]`, by day then id.
    pub fn protocol_ids_by_date(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<u64>, StoreError> {
        let start = date_prefix(from.map(day_number).unwrap_or(0));
        let end = date_prefix(to.map(day_number).unwrap_or(u32::MAX - 1) + 1);
        let mut ids = Vec::new();
        for entry in self.data.range(start..end).values() {
            let value = entry.map_err(|e| self.sled_err(e))?;
            ids.extend(decode_postings(&value).ok_or_else(|| self.corrupt("xd"))?);
        }
        Ok(ids)
    }

    /// Ids from a text-keyed index (`institution`, `provision`, `kind`, `child`), in id order.
    pub fn protocol_ids_by(&self, index: Index, value: &str) -> Result<Vec<u64>, StoreError> {
        let prefix = text_key(index.prefix(), &[value]);
        let mut ids = Vec::new();
        for entry in self.data.scan_prefix(&prefix) {
            let (key, value) = entry.map_err(|e| self.sled_err(e))?;
            if key.len() != prefix.len() + 4 {
                continue; // a longer value that shares this prefix
            }
            ids.extend(decode_postings(&value).ok_or_else(|| self.corrupt(printable_key(&key)))?);
        }
        Ok(ids)
    }
}

/// The text-keyed secondary indexes.
#[derive(Debug, Clone, Copy)]
pub enum Index {
    Institution,
    Provision,
    Kind,
    Child,
}

impl Index {
    pub(super) fn prefix(self) -> &'static [u8] {
        match self {
            Index::Institution => b"xi",
            Index::Provision => b"xp",
            Index::Kind => b"xm",
            Index::Child => b"xc",
        }
    }
}

/// The posting lists a protocol belongs to (prefixes, without the chunk number).
pub(super) fn protocol_postings(p: &Protocol, catalogue: &Catalogue) -> BTreeSet<Vec<u8>> {
    let inst = institution_key(&p.institution, p.institution_id.as_deref());
    let mut out = BTreeSet::new();
    out.insert(text_key(b"xi", &[&inst]));
    out.insert(date_prefix(day_number(p.incident_date())));
    for m in &p.measures {
        let provision = catalogue
            .resolve_provision(&m.provision)
            .map(|prov| prov.id.as_str())
            .unwrap_or("?");
        out.insert(text_key(b"xp", &[provision]));
        if let Some(k) = &m.kind {
            out.insert(text_key(b"xm", &[k]));
        }
    }
    if let Some(child) = &p.child_ref {
        out.insert(text_key(b"xc", &[child]));
    }
    out
}

pub(super) fn complaint_index_entries(id: u64, c: &Complaint) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut keys = BTreeSet::new();
    if let Some(org) = &c.institution_id {
        keys.insert(institution_key("", Some(org)));
    }
    if let Some(name) = &c.institution {
        keys.insert(institution_key(name, None));
    }
    keys.into_iter()
        .map(|inst| {
            (
                id_suffixed(text_key(b"xk", &[&inst, &c.protocol_id]), id),
                vec![],
            )
        })
        .collect()
}

/// Protocols per facts chunk: few enough that a batch rewrites little, many enough that a full
/// scan reads a hundred values rather than a hundred thousand keys.
pub(super) const FACTS_CHUNK_BITS: u32 = 10;

/// The facts / narrative / vocabulary chunk a protocol's entry is in.
pub fn facts_chunk_of(id: u64) -> u32 {
    (id >> FACTS_CHUNK_BITS) as u32
}

/// The chunk number in the key of a facts, narrative or vocabulary chunk.
pub fn chunk_number(key: &[u8]) -> Option<u32> {
    decode_u32(key.get(1..5)?)
}

/// The key of a facts (`F`), narrative (`T`) or vocabulary (`W`) chunk.
pub(super) fn chunk_key(prefix: u8, chunk: u32) -> Vec<u8> {
    let mut k = vec![prefix];
    k.extend_from_slice(&chunk.to_be_bytes());
    k
}

/// A facts chunk: entries of (id u64, length u32, facts), by id.
pub(super) fn encode_facts_chunk(entries: &BTreeMap<u64, Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.values().map(|b| b.len() + 12).sum());
    for (id, bytes) in entries {
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        out.extend_from_slice(bytes);
    }
    out
}

/// The per-protocol entries kept in chunks of 1,024 protocols beside the records.
#[derive(Debug, Clone, Copy)]
pub(super) enum ChunkKind {
    /// `F`: facts, as they are.
    Facts,
    /// `T`: narratives, lz4-compressed, with their vocabulary under `W`.
    Narratives,
}

impl ChunkKind {
    pub(super) fn prefix(self) -> u8 {
        match self {
            ChunkKind::Facts => b'F',
            ChunkKind::Narratives => b'T',
        }
    }

    /// A stored chunk value as a facts-chunk layout; `None` when it does not decompress.
    pub(super) fn plain(self, stored: Vec<u8>) -> Option<Vec<u8>> {
        match self {
            ChunkKind::Facts => Some(stored),
            ChunkKind::Narratives => lz4_flex::decompress_size_prepended(&stored).ok(),
        }
    }

    /// The keys and values that store a chunk's entries: the migration and every import batch
    /// write chunks through this.
    pub(super) fn stored(
        self,
        chunk: u32,
        entries: &BTreeMap<u64, Vec<u8>>,
    ) -> Vec<(Vec<u8>, Vec<u8>)> {
        match self {
            ChunkKind::Facts => {
                vec![(chunk_key(self.prefix(), chunk), encode_facts_chunk(entries))]
            }
            ChunkKind::Narratives => vec![
                (
                    chunk_key(self.prefix(), chunk),
                    encode_narrative_chunk(entries),
                ),
                (chunk_key(b'W', chunk), encode_vocabulary_chunk(entries)),
            ],
        }
    }
}

/// A narrative chunk: a facts-chunk layout, lz4-compressed (narratives are most of a record's
/// bytes and compress well).
pub(super) fn encode_narrative_chunk(entries: &BTreeMap<u64, Vec<u8>>) -> Vec<u8> {
    lz4_flex::compress_prepend_size(&encode_facts_chunk(entries))
}

/// The vocabulary of a narrative chunk, lz4-compressed. Narratives are encoded by tvang itself,
/// so one that does not decode is a bug, not bad input: it is left out of the vocabulary rather
/// than failing the write.
pub(super) fn encode_vocabulary_chunk(entries: &BTreeMap<u64, Vec<u8>>) -> Vec<u8> {
    let vocabulary = crate::facts::encode_vocabulary(entries.values().map(Vec::as_slice))
        .unwrap_or_else(|| {
            crate::facts::encode_vocabulary(std::iter::empty()).expect("an empty vocabulary")
        });
    lz4_flex::compress_prepend_size(&vocabulary)
}

pub(super) fn facts_entries(v: &[u8]) -> Option<Vec<(u64, &[u8])>> {
    let mut out = Vec::new();
    let mut rest = v;
    while !rest.is_empty() {
        let id = decode_u64(rest.get(..8)?)?;
        let len = decode_u32(rest.get(8..12)?)? as usize;
        out.push((id, rest.get(12..12 + len)?));
        rest = &rest[12 + len..];
    }
    Some(out)
}

/// Ids per posting-list chunk: bounds the value rewritten when a batch appends.
pub(super) const CHUNK_BITS: u32 = 12;

pub(super) fn chunk_of(id: u64) -> u32 {
    (id >> CHUNK_BITS) as u32
}

pub(super) fn posting_key(prefix: &[u8], chunk: u32) -> Vec<u8> {
    let mut k = prefix.to_vec();
    k.extend_from_slice(&chunk.to_be_bytes());
    k
}

pub(super) fn decode_postings(v: &[u8]) -> Option<impl Iterator<Item = u64> + '_> {
    v.len()
        .is_multiple_of(8)
        .then(|| v.chunks_exact(8).filter_map(decode_u64))
}
