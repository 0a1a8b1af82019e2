//! Media in an S3-compatible object store (AWS S3, SeaweedFS, Garage, MinIO) via aws-sdk-s3.
//! Checksums are computed only when an operation requires them, which is what non-AWS
//! stores understand; large files go up in parts, and a failed multipart upload is aborted.

use super::{resumable_prefix, MediaStore, ObjectInfo, Piece, PieceWriter, Resumable, StorageError, StorageResult, StoredObject, StoredPart, Tail, UploadSink};
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::http::HttpResponse;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation};
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use aws_sdk_s3::Client;
use futures_util::StreamExt;
use std::path::Path;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// Files above this size are uploaded in parts.
const MULTIPART_THRESHOLD: u64 = 16 * 1024 * 1024;
/// The smallest part we send when uploading a finished file (S3's minimum is 5 MiB).
const MIN_PART: u64 = 8 * 1024 * 1024;
/// S3's minimum part size, used when streaming to keep memory low.
const S3_MIN_PART: u64 = 5 * 1024 * 1024;
/// S3 allows 10,000 parts; staying well under leaves room for rounding.
const MAX_PARTS: u64 = 9_000;

/// How to reach the store; secrets never appear in `Debug` output.
#[derive(Clone)]
pub struct S3Settings {
    pub endpoint: String,
    pub region: String,
    pub bucket: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub path_style: bool,
    pub prefix: String,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("path_style", &self.path_style)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

pub struct S3Store {
    client: Client,
    bucket: String,
    prefix: String,
}

fn classify<E: ProvideErrorMetadata + std::fmt::Debug>(err: SdkError<E, HttpResponse>) -> StorageError {
    match &err {
        SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            StorageError::Unavailable(format!("object store unreachable: {err:?}").chars().take(300).collect())
        }
        SdkError::ServiceError(service) => {
            let status = Some(service.raw().status().as_u16());
            match (service.err().code(), status) {
                (Some("NoSuchKey" | "NotFound"), _) | (_, Some(404)) => StorageError::NotFound,
                (_, Some(s)) if s >= 500 => StorageError::Unavailable(format!("object store error {s}")),
                (code, status) => StorageError::Io(std::io::Error::other(format!("object store refused the request: {code:?} {status:?}"))),
            }
        }
        _ => StorageError::Io(std::io::Error::other(format!("object store request failed: {err:?}"))),
    }
}

impl S3Store {
    pub async fn new(settings: &S3Settings) -> anyhow::Result<Self> {
        let credentials = Credentials::new(&settings.access_key_id, &settings.secret_access_key, None, None, "piazza-config");
        let config = aws_sdk_s3::config::Builder::new()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(settings.region.clone()))
            .endpoint_url(&settings.endpoint)
            .credentials_provider(credentials)
            .force_path_style(settings.path_style)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
            .retry_config(RetryConfig::standard().with_max_attempts(3))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(Duration::from_secs(3))
                    .operation_attempt_timeout(Duration::from_secs(120))
                    .build(),
            )
            .build();
        let store = Self { client: Client::from_conf(config), bucket: settings.bucket.clone(), prefix: settings.prefix.clone() };
        Ok(store)
    }

    /// Creates the bucket if it does not exist (convenient for SeaweedFS, Garage and MinIO;
    /// on AWS, buckets are usually made by the operator and this is a no-op).
    pub async fn ensure_bucket(&self) -> StorageResult<()> {
        match self.client.head_bucket().bucket(&self.bucket).send().await {
            Ok(_) => Ok(()),
            Err(e) => match classify(e) {
                StorageError::NotFound => {
                    self.client.create_bucket().bucket(&self.bucket).send().await.map_err(classify)?;
                    Ok(())
                }
                other => Err(other),
            },
        }
    }

    /// A streaming upload to `full_key` (prefix already applied).
    fn sink(&self, full_key: String, part_size: u64) -> S3Sink {
        S3Sink {
            client: self.client.clone(),
            bucket: self.bucket.clone(),
            key: full_key,
            part_size: part_size.max(S3_MIN_PART) as usize,
            buffer: bytes::BytesMut::new(),
            upload_id: None,
            next_part: 1,
            in_flight: tokio::task::JoinSet::new(),
            done: Vec::new(),
        }
    }

    fn full_key(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }
}

/// Streams an upload into S3: parts go up while later bytes are still arriving, at most
/// two at a time, so memory stays near three parts whatever the file's size.
struct S3Sink {
    client: Client,
    bucket: String,
    key: String,
    part_size: usize,
    buffer: bytes::BytesMut,
    upload_id: Option<String>,
    next_part: i32,
    in_flight: tokio::task::JoinSet<StorageResult<CompletedPart>>,
    done: Vec<CompletedPart>,
}

const PARTS_IN_FLIGHT: usize = 2;

/// A part handed to the HTTP client in 64 KiB slices of the same buffer: given one large
/// chunk, the client copies it whole into its write buffer, tripling a part's memory.
struct PartBody {
    data: bytes::Bytes,
    pos: usize,
}

impl http_body::Body for PartBody {
    type Data = bytes::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        if self.pos >= self.data.len() {
            return std::task::Poll::Ready(None);
        }
        let end = (self.pos + 64 * 1024).min(self.data.len());
        let slice = self.data.slice(self.pos..end);
        self.pos = end;
        std::task::Poll::Ready(Some(Ok(http_body::Frame::data(slice))))
    }

    fn is_end_stream(&self) -> bool {
        self.pos >= self.data.len()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact((self.data.len() - self.pos) as u64)
    }
}

/// A retryable request body over a part (a retry starts again from the first byte).
fn part_body(data: bytes::Bytes) -> ByteStream {
    ByteStream::new(aws_smithy_types::body::SdkBody::retryable(move || {
        aws_smithy_types::body::SdkBody::from_body_1_x(PartBody { data: data.clone(), pos: 0 })
    }))
}

impl S3Sink {
    async fn send_part(&mut self, body: bytes::Bytes) -> StorageResult<()> {
        if self.upload_id.is_none() {
            let created = self.client.create_multipart_upload().bucket(&self.bucket).key(&self.key).send().await.map_err(classify)?;
            self.upload_id = created.upload_id().map(str::to_owned);
        }
        while self.in_flight.len() >= PARTS_IN_FLIGHT {
            self.collect_one().await?;
        }
        let number = self.next_part;
        self.next_part += 1;
        let request = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(self.upload_id.clone().unwrap_or_default())
            .part_number(number)
            .content_length(body.len() as i64)
            .body(part_body(body));
        self.in_flight.spawn(async move {
            // Signing the payload would make the client hash, and so buffer, each part again;
            // the part's integrity is still covered by TCP/TLS and the ETag S3 returns.
            let part = request.customize().disable_payload_signing().send().await.map_err(classify)?;
            Ok(CompletedPart::builder().part_number(number).set_e_tag(part.e_tag().map(str::to_owned)).build())
        });
        Ok(())
    }

    async fn collect_one(&mut self) -> StorageResult<()> {
        if let Some(joined) = self.in_flight.join_next().await {
            let part = joined.map_err(|e| StorageError::Io(std::io::Error::other(e)))??;
            self.done.push(part);
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl UploadSink for S3Sink {
    async fn write(&mut self, chunk: bytes::Bytes) -> StorageResult<()> {
        if self.buffer.capacity() == 0 {
            // One allocation per part: growing the buffer by doubling would copy each part
            // several times and leave the allocator holding the discarded halves.
            self.buffer.reserve(self.part_size + 256 * 1024);
        }
        self.buffer.extend_from_slice(&chunk);
        if self.buffer.len() >= self.part_size {
            let part = self.buffer.split().freeze();
            self.send_part(part).await?;
        }
        Ok(())
    }

    async fn finish(mut self: Box<Self>) -> StorageResult<()> {
        if self.upload_id.is_none() {
            // Small enough for one request.
            let body = self.buffer.split().freeze();
            self.client.put_object().bucket(&self.bucket).key(&self.key).body(ByteStream::from(body)).send().await.map_err(classify)?;
            return Ok(());
        }
        if !self.buffer.is_empty() {
            let part = self.buffer.split().freeze();
            self.send_part(part).await?;
        }
        while !self.in_flight.is_empty() {
            self.collect_one().await?;
        }
        let mut parts = std::mem::take(&mut self.done);
        parts.sort_by_key(|p| p.part_number());
        self.client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(self.upload_id.clone().unwrap_or_default())
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
            .send()
            .await
            .map_err(classify)?;
        Ok(())
    }

    async fn abort(mut self: Box<Self>) {
        self.in_flight.abort_all();
        while self.in_flight.join_next().await.is_some() {}
        if let Some(id) = &self.upload_id {
            let _ = self.client.abort_multipart_upload().bucket(&self.bucket).key(&self.key).upload_id(id).send().await;
        }
    }
}

/// A resumable upload's buffer becomes a part once it holds this much: with the 8 MiB
/// chunks clients commonly send, each request is one part and no tail.
const PIECE_PART: usize = 8 * 1024 * 1024;

/// A request's bytes on their way into one part while they still arrive, for a request
/// whose announced bytes (after the previous tail) make exactly one part: the store takes
/// the chunk while the client sends it, instead of after, and the client waits only for
/// the last bytes' round trip. Bytes are kept in the piece's buffer as well, so a request
/// that breaks off, or a part that fails, is stored from there as it would be without.
struct StreamedPart {
    /// The bytes after the first; closed early, the part is incomplete and never stored.
    sender: Option<tokio::sync::mpsc::Sender<bytes::Bytes>>,
    size: u64,
    sent: u64,
    /// The part's ETag once the store has it.
    upload: tokio::task::JoinHandle<StorageResult<String>>,
}

impl Drop for StreamedPart {
    /// An unfinished part is abandoned mid-body, so the store never completes it.
    fn drop(&mut self) {
        self.upload.abort();
    }
}

/// The body of a streamed part: its first bytes (the previous tail), then whatever the
/// request hands on, with its length declared up front as S3 wants.
struct StreamedBody {
    first: Option<bytes::Bytes>,
    rest: tokio::sync::mpsc::Receiver<bytes::Bytes>,
    remaining: u64,
}

impl http_body::Body for StreamedBody {
    type Data = bytes::Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, Self::Error>>> {
        let next = match self.first.take() {
            Some(first) => Some(first),
            None => std::task::ready!(self.rest.poll_recv(cx)),
        };
        if let Some(bytes) = &next {
            self.remaining = self.remaining.saturating_sub(bytes.len() as u64);
        }
        std::task::Poll::Ready(next.map(|bytes| Ok(http_body::Frame::data(bytes))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.remaining)
    }
}

/// One request's bytes of a resumable upload: the previous tail and the new bytes go up as
/// parts of the multipart upload; what is too short for a part stays a temporary object.
struct S3Piece {
    client: Client,
    bucket: String,
    /// The finished object's key, prefix applied.
    key: String,
    upload_id: String,
    /// Where this request's tail goes, prefix applied, and without it.
    tail_key: String,
    tail_name: String,
    buffer: bytes::BytesMut,
    next_part: i64,
    parts: Vec<StoredPart>,
    received: u64,
    streaming: Option<StreamedPart>,
}

impl S3Piece {
    /// Starts sending the buffer and the `size - buffer.len()` bytes still to come as the
    /// next part.
    fn stream_part(&mut self, size: u64) {
        let (sender, rest) = tokio::sync::mpsc::channel(4);
        let first = (!self.buffer.is_empty()).then(|| bytes::Bytes::copy_from_slice(&self.buffer));
        let body = StreamedBody { first, rest, remaining: size };
        let request = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(&self.upload_id)
            .part_number(self.next_part as i32)
            .content_length(size as i64)
            .body(ByteStream::new(aws_smithy_types::body::SdkBody::from_body_1_x(body)));
        let upload = tokio::spawn(async move {
            // Unsigned, like every part: signing would hash, and so hold back, the body.
            let part = request.customize().disable_payload_signing().send().await.map_err(classify)?;
            Ok(part.e_tag().unwrap_or_default().to_owned())
        });
        self.streaming = Some(StreamedPart { sender: Some(sender), size, sent: self.buffer.len() as u64, upload });
    }

    async fn flush_part(&mut self) -> StorageResult<()> {
        let body = self.buffer.split().freeze();
        let size = body.len() as u64;
        let number = self.next_part;
        let part = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(&self.key)
            .upload_id(&self.upload_id)
            .part_number(number as i32)
            .content_length(size as i64)
            .body(part_body(body))
            .customize()
            .disable_payload_signing()
            .send()
            .await
            .map_err(classify)?;
        self.parts.push(StoredPart { number, etag: part.e_tag().unwrap_or_default().to_owned(), size });
        self.next_part += 1;
        self.buffer.reserve(PIECE_PART + 256 * 1024);
        Ok(())
    }
}

#[async_trait::async_trait]
impl PieceWriter for S3Piece {
    async fn write(&mut self, chunk: bytes::Bytes) -> StorageResult<()> {
        self.buffer.extend_from_slice(&chunk);
        self.received += chunk.len() as u64;
        if let Some(streamed) = self.streaming.as_mut() {
            let len = chunk.len() as u64;
            let passed = match &streamed.sender {
                Some(sender) if streamed.sent + len <= streamed.size => sender.send(chunk).await.is_ok(),
                _ => false,
            };
            if passed {
                streamed.sent += len;
                // The whole piece is one part, however full the buffer.
                return Ok(());
            }
            // The part failed (its receiver is gone), or more came than was announced: it
            // is abandoned, and the buffer, which has every byte, goes up as without it.
            self.streaming = None;
        }
        if self.buffer.len() >= PIECE_PART {
            self.flush_part().await?;
        }
        Ok(())
    }

    async fn close(mut self: Box<Self>, last: bool) -> StorageResult<Piece> {
        if let Some(mut streamed) = self.streaming.take() {
            if streamed.sent == streamed.size {
                streamed.sender = None;
                match (&mut streamed.upload).await {
                    Ok(Ok(etag)) => {
                        let size = self.buffer.len() as u64;
                        self.buffer.clear();
                        self.parts.push(StoredPart { number: self.next_part, etag, size });
                        self.next_part += 1;
                        return Ok(Piece { received: self.received, parts: std::mem::take(&mut self.parts), tail: None });
                    }
                    Ok(Err(e)) => tracing::info!(error = %e, "a streamed part failed; sending it again from the buffer"),
                    Err(e) => tracing::info!(error = %e, "a streamed part's task failed; sending it again from the buffer"),
                }
            }
            // Broken off or failed: dropping it abandons the part; the buffer goes up below.
        }
        let mut tail = None;
        if last || self.buffer.len() as u64 >= S3_MIN_PART {
            if !self.buffer.is_empty() {
                self.flush_part().await?;
            }
        } else if !self.buffer.is_empty() {
            let body = self.buffer.split().freeze();
            let len = body.len() as u64;
            self.client.put_object().bucket(&self.bucket).key(&self.tail_key).body(ByteStream::from(body)).send().await.map_err(classify)?;
            tail = Some(Tail { key: self.tail_name.clone(), len });
        }
        Ok(Piece { received: self.received, parts: std::mem::take(&mut self.parts), tail })
    }
}

/// Reads a file into a sink in 1 MiB reads.
async fn feed_file(sink: &mut S3Sink, path: &Path) -> StorageResult<()> {
    use tokio::io::AsyncReadExt;
    let mut file = tokio::fs::File::open(path).await?;
    loop {
        let mut chunk = bytes::BytesMut::with_capacity(1024 * 1024);
        if file.read_buf(&mut chunk).await? == 0 {
            return Ok(());
        }
        sink.write(chunk.freeze()).await?;
    }
}

#[async_trait::async_trait]
impl MediaStore for S3Store {
    async fn begin_upload(&self, key: &str, part_size: u64) -> StorageResult<Option<Box<dyn super::UploadSink>>> {
        Ok(Some(Box::new(self.sink(self.full_key(key), part_size))))
    }

    async fn resumable_start(&self, _id: &str, key: &str) -> StorageResult<String> {
        let created = self.client.create_multipart_upload().bucket(&self.bucket).key(self.full_key(key)).send().await.map_err(classify)?;
        created.upload_id().map(str::to_owned).ok_or_else(|| StorageError::Io(std::io::Error::other("the object store gave no upload id")))
    }

    async fn resumable_writer(&self, upload: &Resumable, announced: Option<u64>) -> StorageResult<Box<dyn PieceWriter>> {
        let mut buffer = bytes::BytesMut::with_capacity(PIECE_PART + 256 * 1024);
        if let Some(tail) = &upload.tail {
            let object = self.client.get_object().bucket(&self.bucket).key(self.full_key(&tail.key)).send().await.map_err(classify)?;
            let mut body = object.body;
            while let Some(chunk) = body.next().await {
                buffer.extend_from_slice(&chunk.map_err(|e| StorageError::Unavailable(format!("download interrupted: {e}")))?);
            }
            if buffer.len() as u64 != tail.len {
                return Err(StorageError::Io(std::io::Error::other("an upload's stored tail has the wrong size")));
            }
        }
        // A new name for every request's tail: the recorded one is never overwritten, so a
        // request that cannot record what it stored leaves the upload as it was.
        let tail_name = format!("{}tail-{}", resumable_prefix(&upload.id), uuid::Uuid::new_v4().simple());
        let mut piece = Box::new(S3Piece {
            client: self.client.clone(),
            bucket: self.bucket.clone(),
            key: self.full_key(&upload.key),
            upload_id: upload.store_ref.clone(),
            tail_key: self.full_key(&tail_name),
            tail_name,
            buffer,
            next_part: upload.parts.last().map_or(1, |p| p.number + 1),
            parts: Vec::new(),
            received: 0,
            streaming: None,
        });
        // A piece that will be one part, as with the 8 MiB chunks clients commonly send,
        // goes up while it arrives.
        let size = announced.map(|n| piece.buffer.len() as u64 + n);
        if let Some(size) = size.filter(|size| (S3_MIN_PART..=PIECE_PART as u64).contains(size)) {
            piece.stream_part(size);
        }
        Ok(piece)
    }

    async fn resumable_discard(&self, upload: &Resumable, piece: Piece) {
        // Its parts were never recorded: the next request stores its own under the same numbers.
        if let Some(tail) = piece.tail.filter(|t| upload.tail.as_ref() != Some(t)) {
            if let Err(e) = self.delete(&tail.key).await {
                tracing::warn!(key = %tail.key, error = %e, "a refused chunk's tail not removed; the sweeper will");
            }
        }
    }

    async fn resumable_complete(&self, upload: &Resumable) -> StorageResult<()> {
        let parts: Vec<CompletedPart> =
            upload.parts.iter().map(|p| CompletedPart::builder().part_number(p.number as i32).e_tag(&p.etag).build()).collect();
        let completed = self
            .client
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(self.full_key(&upload.key))
            .upload_id(&upload.store_ref)
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
            .send()
            .await
            .map_err(classify);
        if let Err(e) = completed {
            // Completed before, by a request that died before it could record so.
            if self.size(&upload.key).await? != Some(upload.received) {
                return Err(e);
            }
        }
        self.delete_prefix(&resumable_prefix(&upload.id)).await
    }

    async fn resumable_abort(&self, upload: &Resumable) -> StorageResult<()> {
        if !upload.store_ref.is_empty() {
            let aborted = self
                .client
                .abort_multipart_upload()
                .bucket(&self.bucket)
                .key(self.full_key(&upload.key))
                .upload_id(&upload.store_ref)
                .send()
                .await
                .map_err(classify);
            match aborted {
                Ok(_) | Err(StorageError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        self.delete_prefix(&resumable_prefix(&upload.id)).await
    }

    async fn put_file(&self, key: &str, path: &Path) -> StorageResult<u64> {
        let size = tokio::fs::metadata(path).await?.len();
        let key = self.full_key(key);
        if size > MULTIPART_THRESHOLD {
            // The same streaming upload as an incoming request, fed from the file; parts
            // grow with the file so that even very large ones stay under 10,000 parts.
            let mut sink = self.sink(key, MIN_PART.max(size.div_ceil(MAX_PARTS)));
            if let Err(e) = feed_file(&mut sink, path).await {
                Box::new(sink).abort().await;
                return Err(e);
            }
            Box::new(sink).finish().await?;
        } else {
            let body = ByteStream::from_path(path).await.map_err(|e| StorageError::Io(std::io::Error::other(e)))?;
            self.client.put_object().bucket(&self.bucket).key(&key).body(body).send().await.map_err(classify)?;
        }
        let _ = tokio::fs::remove_file(path).await;
        Ok(size)
    }

    async fn get(&self, key: &str, range: Option<(u64, u64)>) -> StorageResult<StoredObject> {
        let mut request = self.client.get_object().bucket(&self.bucket).key(self.full_key(key));
        if let Some((start, len)) = range {
            request = request.range(format!("bytes={}-{}", start, start + len.max(1) - 1));
        }
        let object = request.send().await.map_err(classify)?;
        let total_size = object
            .content_range()
            .and_then(|r| r.rsplit('/').next())
            .and_then(|t| t.parse().ok())
            .or_else(|| object.content_length().map(|l| l as u64))
            .unwrap_or(0);
        let body = futures_util::stream::unfold(object.body, |mut body| async move {
            body.next().await.map(|chunk| (chunk.map_err(std::io::Error::other), body))
        })
        .boxed();
        Ok(StoredObject { total_size, body })
    }

    async fn fetch_to(&self, key: &str, dest: &Path) -> StorageResult<()> {
        let object = self.client.get_object().bucket(&self.bucket).key(self.full_key(key)).send().await.map_err(classify)?;
        let mut body = object.body;
        let mut file = tokio::fs::File::create(dest).await?;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| StorageError::Unavailable(format!("download interrupted: {e}")))?;
            file.write_all(&chunk).await?;
        }
        file.flush().await?;
        Ok(())
    }

    async fn size(&self, key: &str) -> StorageResult<Option<u64>> {
        match self.client.head_object().bucket(&self.bucket).key(self.full_key(key)).send().await {
            Ok(head) => Ok(head.content_length().map(|l| l as u64)),
            Err(e) => match classify(e) {
                StorageError::NotFound => Ok(None),
                other => Err(other),
            },
        }
    }

    async fn delete(&self, key: &str) -> StorageResult<()> {
        self.client.delete_object().bucket(&self.bucket).key(self.full_key(key)).send().await.map_err(classify)?;
        Ok(())
    }

    async fn delete_prefix(&self, prefix: &str) -> StorageResult<()> {
        for object in self.list(prefix).await? {
            self.delete(&object.key).await?;
        }
        Ok(())
    }

    async fn list(&self, prefix: &str) -> StorageResult<Vec<ObjectInfo>> {
        let mut out = Vec::new();
        let mut pages = self.client.list_objects_v2().bucket(&self.bucket).prefix(self.full_key(prefix)).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(classify)?;
            for object in page.contents() {
                let Some(key) = object.key().and_then(|k| k.strip_prefix(&self.prefix)) else { continue };
                out.push(ObjectInfo {
                    key: key.to_owned(),
                    size: object.size().unwrap_or(0).max(0) as u64,
                    modified_ms: object.last_modified().map(|t| t.to_millis().unwrap_or(0)).unwrap_or(0),
                });
            }
        }
        Ok(out)
    }

    async fn abort_stale_uploads(&self, older_than_ms: i64, keep: &std::collections::HashSet<String>) -> StorageResult<usize> {
        let listed = self.client.list_multipart_uploads().bucket(&self.bucket).prefix(&self.prefix).send().await.map_err(classify)?;
        let mut aborted = 0;
        for upload in listed.uploads() {
            let started = upload.initiated().and_then(|t| t.to_millis().ok()).unwrap_or(i64::MAX);
            let kept = upload.key().and_then(|k| k.strip_prefix(&self.prefix)).is_some_and(|k| keep.contains(k));
            if started < older_than_ms && !kept {
                if let (Some(key), Some(id)) = (upload.key(), upload.upload_id()) {
                    self.client.abort_multipart_upload().bucket(&self.bucket).key(key).upload_id(id).send().await.map_err(classify)?;
                    aborted += 1;
                }
            }
        }
        Ok(aborted)
    }
}
