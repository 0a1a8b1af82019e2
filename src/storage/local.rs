use super::{MediaStore, ObjectInfo, StorageError, StorageResult, StoredObject};
use futures_util::StreamExt;
use std::path::{Component, Path, PathBuf};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

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

    async fn delete_prefix(&self, prefix: &str) -> StorageResult<()> {
        let dir = self.path(prefix.trim_end_matches('/'))?;
        match tokio::fs::remove_dir_all(dir).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
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
