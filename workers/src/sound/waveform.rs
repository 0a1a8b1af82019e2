//! The waveform picture: the peak of each column of time, drawn here from the decoded
//! samples (not FFmpeg's `showwavespic`), so its look is ours and needs no video filter.

use std::path::Path;

use image::{Rgba, RgbaImage};

use crate::MediaError;

pub(crate) const WIDTH: u32 = 800;
pub(crate) const HEIGHT: u32 = 120;
/// Peaks are gathered per 10 ms at 48 kHz, whatever the length, and fitted to the
/// columns at the end: the length need not be known while decoding.
const BIN: usize = 480;
const INK: Rgba<u8> = Rgba([52, 58, 64, 255]);

#[derive(Default)]
pub(crate) struct Peaks {
    bins: Vec<f32>,
    current: f32,
    in_bin: usize,
}

impl Peaks {
    pub(crate) fn add(&mut self, planes: &[&[f32]]) {
        let len = planes.iter().map(|p| p.len()).min().unwrap_or(0);
        for i in 0..len {
            for plane in planes {
                self.current = self.current.max(plane[i].abs());
            }
            self.in_bin += 1;
            if self.in_bin == BIN {
                self.bins.push(self.current);
                self.current = 0.0;
                self.in_bin = 0;
            }
        }
    }

    /// The peak of each of `columns` equal stretches of time.
    fn columns(&self, columns: usize) -> Vec<f32> {
        let mut bins = self.bins.clone();
        if self.in_bin > 0 {
            bins.push(self.current);
        }
        if bins.is_empty() {
            return vec![0.0; columns];
        }
        (0..columns)
            .map(|c| {
                let start = c * bins.len() / columns;
                let end = ((c + 1) * bins.len() / columns).max(start + 1).min(bins.len());
                bins[start.min(bins.len() - 1)..end].iter().copied().fold(0.0, f32::max)
            })
            .collect()
    }

    /// Writes the PNG: transparent, with one bar per column mirrored about the middle,
    /// scaled so the loudest moment fills the height (the renditions are normalised too)
    /// and never thinner than a line, so silence still shows.
    pub(crate) fn write_png(&self, path: &Path) -> Result<(), MediaError> {
        let columns = self.columns(WIDTH as usize);
        let loudest = columns.iter().copied().fold(0.0, f32::max);
        let mut img = RgbaImage::new(WIDTH, HEIGHT);
        let middle = HEIGHT as f32 / 2.0;
        for (x, &peak) in columns.iter().enumerate() {
            let level = if loudest > 0.0 { peak / loudest } else { 0.0 };
            let half = (level * (middle - 1.0)).max(0.5);
            let top = (middle - half).floor().max(0.0) as u32;
            let bottom = ((middle + half).ceil() as u32).min(HEIGHT);
            for y in top..bottom {
                img.put_pixel(x as u32, y, INK);
            }
        }
        img.save_with_format(path, image::ImageFormat::Png)
            .map_err(|e| MediaError::io(std::io::Error::other(e.to_string())))
    }
}
