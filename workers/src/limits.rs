use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What the engine accepts. Every limit is checked from headers or the probe before any
/// pixel or sample is decoded.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Largest photo width or height, in pixels.
    pub max_image_side: u32,
    /// Largest photo area, in pixels (40 MP by default).
    pub max_image_pixels: u64,
    /// Memory the image decoder may allocate, in bytes.
    pub max_image_alloc_bytes: u64,
    /// Longest film, in seconds.
    pub max_duration_s: f64,
    /// Largest video frame area, in pixels (8K UHD by default).
    pub max_video_pixels: u64,
    /// Wall-clock budget for processing one file.
    #[serde(with = "secs")]
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_image_side: 12_000,
            max_image_pixels: 40_000_000,
            max_image_alloc_bytes: 512 * 1024 * 1024,
            max_duration_s: 10.0 * 60.0,
            max_video_pixels: 7680 * 4320,
            timeout: Duration::from_secs(15 * 60),
        }
    }
}

mod secs {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_secs())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_secs(u64::deserialize(d)?))
    }
}
