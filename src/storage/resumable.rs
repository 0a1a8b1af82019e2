//! Resumable uploads in the store: an object that arrives in pieces, over many requests,
//! perhaps to different web nodes. The store holds the bytes; the database holds what is
//! described here, so whichever node takes the next request knows where to go on.

use super::StorageResult;
use bytes::Bytes;

/// What the store holds of an unfinished upload, as the database remembers it.
#[derive(Debug, Clone)]
pub struct Resumable {
    /// The upload's id: its temporary objects live under `resumable_prefix(id)`.
    pub id: String,
    /// The object the finished upload becomes.
    pub key: String,
    /// The store's handle (an S3 multipart upload id; empty on the filesystem).
    pub store_ref: String,
    /// Bytes stored so far.
    pub received: u64,
    /// S3: the stored parts, in order (empty on the filesystem).
    pub parts: Vec<StoredPart>,
    /// S3: the bytes after the last part, too few for a part of their own.
    pub tail: Option<Tail>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPart {
    pub number: i64,
    pub etag: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tail {
    pub key: String,
    pub len: u64,
}

/// What one request added: its bytes, the parts it stored, and the tail that now follows
/// them (which includes the previous tail's bytes when no part was full).
#[derive(Debug, Default)]
pub struct Piece {
    pub received: u64,
    pub parts: Vec<StoredPart>,
    pub tail: Option<Tail>,
}

/// Writes one request's bytes after what an upload holds.
#[async_trait::async_trait]
pub trait PieceWriter: Send {
    async fn write(&mut self, chunk: Bytes) -> StorageResult<()>;
    /// Makes every byte written durable in the store and says what was stored; `last`
    /// when these are the upload's final bytes (S3 then stores the rest as the last part,
    /// however small).
    async fn close(self: Box<Self>, last: bool) -> StorageResult<Piece>;
}
