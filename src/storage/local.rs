use super::{resumable_prefix, MediaStore, ObjectInfo, Piece, PieceWriter, Resumable, StorageError, StorageResult, StoredObject};
use futures_util::StreamExt;
use std::path::{Component, Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// Media on the local filesystem under one root directory.
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    pub fn new(root: impl Into<PathBuf>) -> std::io::Result<Self> {
        let root = root.into();
        std::fs::create_dir_all(&root)?;
        Ok(Self { root })
    }

    /// The growing file of resumable upload `id`.
    fn resumable_path(&self, id: &str) -> StorageResult<PathBuf> {
        self.path(&format!("{}data", resumable_prefix(id)))
    }

    /// Maps a key to a path, refusing anything that could leave the root.
    fn path(&self, key: &str) -> StorageResult<PathBuf> {
        let relative = Path::new(key);
        if key.is_empty() || !relative.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(StorageError::Io(std::io::Error::new(std::io::ErrorKind::InvalidInput, "invalid storage key")));
        }
        Ok(self.root.join(relative))
    }
}

fn not_found_as(err: std::io::Error) -> StorageError {
    if err.kind() == std::io::ErrorKind::NotFound {
        StorageError::NotFound
    } else {
        StorageError::Io(err)
    }
}

#[async_trait::async_trait]
impl MediaStore for LocalStore {
    async fn put_file(&self, key: &str, path: &Path) -> StorageResult<u64> {
        let dest = self.path(key)?;
        if let Some(parent) = dest.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        let size = tokio::fs::metadata(path).await?.len();
        // Rename is atomic; across filesystems copy beside the target, then rename.
        if tokio::fs::rename(path, &dest).await.is_err() {
            let staging = dest.with_extension(format!("partial-{}", uuid::Uuid::new_v4().simple()));
            let copied = async {
                tokio::fs::copy(path, &staging).await?;
                tokio::fs::rename(&staging, &dest).await
            }
            .await;
            if let Err(e) = copied {
                let _ = tokio::fs::remove_file(&staging).await;
                return Err(e.into());
            }
            let _ = tokio::fs::remove_file(path).await;
        }
        Ok(size)
    }

    async fn get(&self, key: &str, range: Option<(u64, u64)>) -> StorageResult<StoredObject> {
        let mut file = tokio::fs::File::open(self.path(key)?).await.map_err(not_found_as)?;
        let total_size = file.metadata().await?.len();
        let body = match range {
            Some((start, len)) => {
                file.seek(std::io::SeekFrom::Start(start)).await?;
                tokio_util::io::ReaderStream::new(file.take(len)).boxed()
            }
            None => tokio_util::io::ReaderStream::new(file).boxed(),
        };
        Ok(StoredObject { total_size, body })
    }

    async fn fetch_to(&self, key: &str, dest: &Path) -> StorageResult<()> {
        tokio::fs::copy(self.path(key)?, dest).await.map_err(not_found_as)?;
        Ok(())
    }

    async fn size(&self, key: &str) -> StorageResult<Option<u64>> {
        match tokio::fs::metadata(self.path(key)?).await {
            Ok(m) => Ok(Some(m.len())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn delete(&self, key: &str) -> StorageResult<()> {
        match tokio::fs::remove_file(self.path(key)?).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    async fn list(&self, prefix: &str) -> StorageResult<Vec<ObjectInfo>> {
        let root = self.root.clone();
        let prefix = prefix.to_owned();
        let all = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            walk(&root, &root, &mut out).map(|_| out)
        })
        .await
        .map_err(|e| StorageError::Io(std::io::Error::other(e)))??;
        Ok(all.into_iter().filter(|o| o.key.starts_with(&prefix) && !o.key.contains(".partial-")).collect())
    }

    async fn resumable_start(&self, id: &str, _key: &str) -> StorageResult<String> {
        let path = self.resumable_path(id)?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        tokio::fs::File::create(&path).await?;
        Ok(String::new())
    }

    async fn resumable_writer(&self, upload: &Resumable, _announced: Option<u64>) -> StorageResult<Box<dyn PieceWriter>> {
        let mut file = tokio::fs::OpenOptions::new().write(true).open(self.resumable_path(&upload.id)?).await.map_err(not_found_as)?;
        // Bytes past the recorded offset belong to a request that never recorded them.
        file.set_len(upload.received).await?;
        file.seek(std::io::SeekFrom::Start(upload.received)).await?;
        Ok(Box::new(LocalPiece { file, written: 0 }))
    }

    async fn resumable_discard(&self, upload: &Resumable, _piece: Piece) {
        let truncated = async {
            let file = tokio::fs::OpenOptions::new().write(true).open(self.resumable_path(&upload.id)?).await?;
            file.set_len(upload.received).await?;
            StorageResult::Ok(())
        };
        if let Err(e) = truncated.await {
            // The next writer truncates to the recorded offset anyway.
            tracing::warn!(upload.id = %upload.id, error = %e, "could not drop a refused chunk");
        }
    }

    async fn resumable_complete(&self, upload: &Resumable) -> StorageResult<()> {
        let source = self.resumable_path(&upload.id)?;
        let dest = self.path(&upload.key)?;
        if let Some(parent) = dest.parent() {
            tokio::fs::create_dir_all(parent).await?;
        }
        match tokio::fs::rename(&source, &dest).await {
            Ok(()) => {}
            // Completed before, by a request that died before it could record so.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && self.size(&upload.key).await? == Some(upload.received) => {}
            Err(e) => return Err(not_found_as(e)),
        }
        self.delete_prefix(&resumable_prefix(&upload.id)).await
    }

    async fn resumable_abort(&self, upload: &Resumable) -> StorageResult<()> {
        self.delete_prefix(&resumable_prefix(&upload.id)).await
    }

    async fn delete_prefix(&self, prefix: &str) -> StorageResult<()> {
        let dir = self.path(prefix.trim_end_matches('/'))?;
        match tokio::fs::remove_dir_all(dir).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}

/// One request's bytes appended to an upload's file.
struct LocalPiece {
    file: tokio::fs::File,
    written: u64,
}

#[async_trait::async_trait]
impl PieceWriter for LocalPiece {
    async fn write(&mut self, chunk: bytes::Bytes) -> StorageResult<()> {
        self.file.write_all(&chunk).await?;
        self.written += chunk.len() as u64;
        Ok(())
    }

    async fn close(mut self: Box<Self>, _last: bool) -> StorageResult<Piece> {
        self.file.flush().await?;
        // The database is about to say these bytes are stored: they must be.
        self.file.sync_data().await?;
        Ok(Piece { received: self.written, ..Piece::default() })
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<ObjectInfo>) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        // A file deleted while the listing runs (a withdrawal, a replaced rendition) is
        // simply no longer there.
        let meta = match entry.metadata() {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        if meta.is_dir() {
            walk(root, &entry.path(), out)?;
        } else if let Ok(relative) = entry.path().strip_prefix(root) {
            let modified_ms = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0);
            out.push(ObjectInfo { key: relative.to_string_lossy().replace('\\', "/"), size: meta.len(), modified_ms });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_escape_the_root() {
        let store = LocalStore::new(std::env::temp_dir().join("piazza-store-test")).unwrap();
        assert!(store.path("../etc/passwd").is_err());
        assert!(store.path("/etc/passwd").is_err());
        assert!(store.path("works/a/../../x").is_err());
        assert!(store.path("works/abc/w320.webp").is_ok());
    }
}
