//! Outgoing mail (verification and password-reset links). Every message is first written
//! durably as an `.eml` file into `data/outbox/`; a request that queued a message returns
//! only after that write. With SMTP configured (`PIAZZA_SMTP_URL`) a background pass then
//! delivers the waiting files, oldest first, removing each once the server accepted it; a
//! message the server could not take stays in the outbox and is retried with backoff and
//! by every later pass (also after a restart, at the next message); one it refused for good
//! is moved to `outbox/refused/`. Without SMTP the outbox is the destination, so an
//! offline demo can open the links from there.
//!
//! Logs name the recipient's domain only: never the address, the body or the link.

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A message to one person.
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// What kind of message, for logs (`verify_email`, `reset_password`, ...).
    pub kind: &'static str,
}

pub struct Mailer {
    outbox: PathBuf,
    from: Mailbox,
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    /// One delivery pass at a time, so a file is never sent twice by this process.
    delivering: tokio::sync::Mutex<()>,
    retry_scheduled: AtomicBool,
}

/// The part of an address after `@`, the only part that is logged.
pub fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
}

/// True if the address is one mail can be sent to.
pub fn is_deliverable(address: &str) -> bool {
    address.parse::<Address>().is_ok()
}

impl Mailer {
    pub fn new(outbox: PathBuf, smtp_url: &str, mail_from: &str) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&outbox)?;
        let from: Mailbox = mail_from.parse().map_err(|e| anyhow::anyhow!("PIAZZA_MAIL_FROM is not a mail address: {e}"))?;
        let smtp = if smtp_url.is_empty() {
            None
        } else {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
                .map_err(|e| anyhow::anyhow!("PIAZZA_SMTP_URL is not a usable SMTP URL: {e}"))?
                .timeout(Some(Duration::from_secs(30)))
                .build();
            Some(transport)
        };
        Ok(Self { outbox, from, smtp, delivering: tokio::sync::Mutex::new(()), retry_scheduled: AtomicBool::new(false) })
    }

    pub fn outbox(&self) -> &Path {
        &self.outbox
    }

    /// Writes the message into the outbox (durably: temp file, fsync, rename) and, with
    /// SMTP, starts delivering it in the background. Once this returns Ok the message
    /// cannot be lost.
    pub async fn send(self: &Arc<Self>, mail: Mail) -> anyhow::Result<()> {
        let to: Mailbox = mail.to.parse().map_err(|e| anyhow::anyhow!("recipient is not a mail address: {e}"))?;
        // 8bit, not quoted-printable: links stay whole and copyable in any mail reader and
        // in the outbox files. Our lines are far below the 998-byte limit of RFC 5322.
        let crlf = mail.body.replace("\r\n", "\n").replace('\n', "\r\n");
        let body = Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::EightBit);
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)?;
        let raw = message.formatted();
        let outbox = self.outbox.clone();
        let name = format!("{:016}-{}.eml", crate::db::now_ms(), crate::db::new_id());
        tokio::task::spawn_blocking(move || write_durably(&outbox, &name, &raw)).await??;
        tracing::info!(mail.kind = mail.kind, mail.to_domain = domain_of(&mail.to), smtp = self.smtp.is_some(), "mail queued");
        if self.smtp.is_some() {
            let mailer = self.clone();
            tokio::spawn(async move { mailer.deliver_pending().await });
        }
        Ok(())
    }

    /// Delivers every message waiting in the outbox, oldest first; returns how many were
    /// accepted. A failure schedules a retry. Without SMTP it does nothing (the outbox is
    /// the destination).
    pub async fn deliver_pending(self: &Arc<Self>) -> usize {
        let (sent, failed) = self.deliver_once().await;
        if failed {
            self.schedule_retry();
        }
        sent
    }

    async fn deliver_once(&self) -> (usize, bool) {
        let Some(smtp) = &self.smtp else { return (0, false) };
        let _pass = self.delivering.lock().await;
        let mut files: Vec<PathBuf> = match std::fs::read_dir(&self.outbox) {
            Ok(entries) => entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "eml")).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the mail outbox");
                return (0, true);
            }
        };
        files.sort();
        let (mut sent, mut failed) = (0, false);
        for path in files {
            let Ok(raw) = tokio::fs::read(&path).await else { continue };
            let Some((from, to)) = envelope_addresses(&raw) else {
                tracing::error!(file = %path.display(), "outbox message without sender or recipient; left in place");
                continue;
            };
            let Ok(envelope) = lettre::address::Envelope::new(Some(from), vec![to.clone()]) else { continue };
            match smtp.send_raw(&envelope, &raw).await {
                Ok(_) => {
                    sent += 1;
                    tracing::info!(mail.to_domain = to.domain(), "mail delivered");
                    if let Err(e) = std::fs::remove_file(&path) {
                        tracing::warn!(error = %e, "delivered mail could not be removed from the outbox; it may be sent again");
                    }
                }
                Err(e) if e.is_permanent() => {
                    // Refused for good (an unknown mailbox): kept aside for an operator, not retried.
                    tracing::warn!(mail.to_domain = to.domain(), error = %e, "mail refused by the server; moved to outbox/refused");
                    let refused = self.outbox.join("refused");
                    let moved = std::fs::create_dir_all(&refused).and_then(|_| std::fs::rename(&path, refused.join(path.file_name().unwrap_or_default())));
                    if let Err(e) = moved {
                        tracing::warn!(error = %e, "refused mail could not be moved aside");
                    }
                }
                Err(e) => {
                    // A server that is down fails every message alike: stop and try later.
                    failed = true;
                    tracing::warn!(mail.to_domain = to.domain(), error = %e, "mail not delivered; it stays in the outbox and will be retried");
                    break;
                }
            }
        }
        (sent, failed)
    }

    /// Starts the background retry loop unless one runs: it backs off from 30 s to 30 min
    /// and ends when the outbox is empty.
    fn schedule_retry(self: &Arc<Self>) {
        if self.retry_scheduled.swap(true, Ordering::SeqCst) {
            return;
        }
        let mailer = self.clone();
        tokio::spawn(async move {
            let mut delay = Duration::from_secs(30);
            loop {
                tokio::time::sleep(delay).await;
                let (_, failed) = mailer.deliver_once().await;
                if !failed && mailer.pending_count() == 0 {
                    mailer.retry_scheduled.store(false, Ordering::SeqCst);
                    return;
                }
                delay = (delay * 2).min(Duration::from_secs(1800));
            }
        });
    }

    /// Messages waiting in the outbox.
    pub fn pending_count(&self) -> usize {
        std::fs::read_dir(&self.outbox)
            .map(|entries| entries.flatten().filter(|e| e.path().extension().is_some_and(|x| x == "eml")).count())
            .unwrap_or(0)
    }
}

/// The sender and the one recipient of a message this module wrote.
fn envelope_addresses(raw: &[u8]) -> Option<(Address, Address)> {
    let text = String::from_utf8_lossy(raw);
    let headers = text.split("\r\n\r\n").next()?;
    let find = |name: &str| -> Option<Address> {
        let line = headers.lines().find(|l| l.len() > name.len() && l[..name.len()].eq_ignore_ascii_case(name))?;
        let value = line[name.len()..].trim();
        let address = match (value.rfind('<'), value.rfind('>')) {
            (Some(open), Some(close)) if open < close => &value[open + 1..close],
            _ => value,
        };
        address.parse().ok()
    };
    Some((find("From:")?, find("To:")?))
}

fn write_durably(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    std::fs::create_dir_all(dir)?;
    let mut temp = tempfile::Builder::new().prefix(".mail-").tempfile_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist(dir.join(name)).map_err(|e| e.error)?;
    // The rename itself survives a crash only once the directory is synced.
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_is_read_back_from_the_written_message() {
        let raw = b"From: Piazza <piazza@comune.example>\r\nTo: anna@example.org\r\nSubject: x\r\n\r\nbody";
        let (from, to) = envelope_addresses(raw).unwrap();
        assert_eq!(from.to_string(), "piazza@comune.example");
        assert_eq!(to.to_string(), "anna@example.org");
        assert_eq!(domain_of("anna@example.org"), "example.org");
    }
}
