//! A call's cover picture: one WebP, at most 1280 pixels wide, made by the photo engine on
//! the media pool and stored under a content-addressed key; the cover it replaces is
//! deleted.

use crate::db::calls;
use crate::domain::{AltText, Call, Cover, DomainError};
use crate::state::AppState;
use super::ServiceResult;
use piazza_workers::MediaError;

/// The widest cover kept: enough for a wide screen, light on a phone.
const COVER_WIDTH: u32 = 1280;

/// Makes, stores and records the cover of `call` from the bytes of a picture.
pub(super) async fn store(state: &AppState, call: &Call, bytes: Vec<u8>, alt: &str, actor_id: &str) -> ServiceResult<()> {
    if bytes.is_empty() {
        return Err(DomainError::new("file_required").arg("what", "cover").into());
    }
    let alt = AltText::parse(alt)?.into_inner();
    let limits = state.config.limits.clone();
    let dir = tempfile::Builder::new().prefix("cover-").tempdir_in(state.config.tmp_dir())?;
    let out = dir.path().to_path_buf();
    let (path, width, height, sha) = state
        .request_pool
        .run(move || -> Result<(std::path::PathBuf, u32, u32, String), MediaError> {
            let outputs = piazza_workers::photo::process_photo(&bytes, &out, &limits)?;
            let webp = || outputs.renditions.iter().filter(|r| r.mime == "image/webp");
            // The widest WebP that fits; a picture narrower than every width has only its own.
            let best = webp()
                .filter(|r| r.width <= COVER_WIDTH)
                .max_by_key(|r| r.width)
                .or_else(|| webp().min_by_key(|r| r.width))
                .ok_or_else(|| MediaError::permanent("corrupt_file", "the picture could not be read"))?;
            let data = std::fs::read(&best.path).map_err(|e| MediaError::transient("io", e.to_string()))?;
            use sha2::Digest;
            Ok((best.path.clone(), best.width, best.height, hex::encode(sha2::Sha256::digest(&data))))
        })
        .await??;
    let key = crate::storage::cover_key(&call.id, &sha);
    state.store.put_file(&key, &path).await?;
    let cover = Cover { key: key.clone(), width: width as i64, height: height as i64, alt };
    match calls::set_cover(&state.db, &call.id, &cover, actor_id).await {
        Ok(Some(old)) => {
            crate::storage::remove_unreferenced(&*state.store, &[old], &[]).await;
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(e) => {
            let _ = state.store.delete(&key).await;
            Err(e.into())
        }
    }
}
