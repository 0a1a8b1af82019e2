//! Loudness as ITU-R BS.1770-4 and EBU R128 define it, measured on 48 kHz sound: the
//! K-weighted integrated loudness with its two gates, and the true peak from 4x
//! oversampling.
//!
//! Measured here rather than read from libavfilter's `ebur128` log: the numbers are then
//! values we hold, not text to parse, and the same meter checks the result.

/// Samples in 100 ms at 48 kHz: a gating block is four of these, so blocks of 400 ms
/// overlap by 75% as the recommendation asks.
const QUARTER: usize = 4_800;
const ABSOLUTE_GATE_LUFS: f64 = -70.0;
const RELATIVE_GATE_LU: f64 = -10.0;

/// One second-order section, transposed direct form II.
#[derive(Clone, Copy)]
struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    z: [f64; 2],
}

impl Biquad {
    const fn new(b: [f64; 3], a: [f64; 2]) -> Self {
        Self { b, a, z: [0.0; 2] }
    }

    fn run(&mut self, x: f64) -> f64 {
        let y = self.b[0] * x + self.z[0];
        self.z[0] = self.b[1] * x - self.a[0] * y + self.z[1];
        self.z[1] = self.b[2] * x - self.a[1] * y;
        y
    }
}

/// The K-weighting at 48 kHz, the coefficients of BS.1770-4 tables 1 and 2: a high shelf
/// for the head, then the RLB high-pass.
fn k_weighting() -> [Biquad; 2] {
    [
        Biquad::new([1.535_124_859_586_97, -2.691_696_189_406_38, 1.198_392_810_852_85], [-1.690_659_293_182_41, 0.732_480_774_215_85]),
        Biquad::new([1.0, -2.0, 1.0], [-1.990_047_454_833_98, 0.990_072_250_366_21]),
    ]
}

const TAPS: usize = 12;
const PHASES: usize = 4;

/// The 4x interpolator of the true-peak meter: a 48-tap Hann-windowed sinc cut at the
/// original Nyquist frequency, as four 12-tap phases, each normalised to unity at DC.
fn interpolator() -> [[f64; TAPS]; PHASES] {
    let n = TAPS * PHASES;
    let centre = (n as f64 - 1.0) / 2.0;
    let mut phases = [[0.0; TAPS]; PHASES];
    for (i, tap) in (0..n).map(|i| {
        let t = (i as f64 - centre) / PHASES as f64;
        let sinc = if t.abs() < 1e-12 { 1.0 } else { (std::f64::consts::PI * t).sin() / (std::f64::consts::PI * t) };
        let window = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * (i as f64 + 0.5) / n as f64).cos();
        (i, sinc * window)
    }) {
        phases[i % PHASES][i / PHASES] = tap;
    }
    for phase in phases.iter_mut() {
        let sum: f64 = phase.iter().sum();
        phase.iter_mut().for_each(|t| *t /= sum);
    }
    phases
}

/// A running measurement of 48 kHz sound with one or two channels.
pub(crate) struct Meter {
    weighting: Vec<[Biquad; 2]>,
    /// The last TAPS samples of each channel, newest first.
    history: Vec<[f64; TAPS]>,
    phases: [[f64; TAPS]; PHASES],
    quarter_sum: f64,
    in_quarter: usize,
    /// Mean square of the weighted sound, summed over the channels, of every 100 ms.
    quarters: Vec<f64>,
    true_peak: f64,
}

impl Meter {
    pub(crate) fn new(channels: usize) -> Self {
        Self {
            weighting: vec![k_weighting(); channels],
            history: vec![[0.0; TAPS]; channels],
            phases: interpolator(),
            quarter_sum: 0.0,
            in_quarter: 0,
            quarters: Vec::new(),
            true_peak: 0.0,
        }
    }

    /// Adds sound as one slice per channel, all the same length.
    pub(crate) fn add(&mut self, planes: &[&[f32]]) {
        let len = planes.iter().map(|p| p.len()).min().unwrap_or(0);
        for i in 0..len {
            for (ch, plane) in planes.iter().enumerate().take(self.weighting.len()) {
                let x = f64::from(plane[i]);
                let [shelf, high_pass] = &mut self.weighting[ch];
                let y = high_pass.run(shelf.run(x));
                self.quarter_sum += y * y;
                let history = &mut self.history[ch];
                history.copy_within(0..TAPS - 1, 1);
                history[0] = x;
                let mut peak = x.abs();
                for phase in &self.phases {
                    let v: f64 = phase.iter().zip(history.iter()).map(|(h, s)| h * s).sum();
                    peak = peak.max(v.abs());
                }
                self.true_peak = self.true_peak.max(peak);
            }
            self.in_quarter += 1;
            if self.in_quarter == QUARTER {
                self.quarters.push(self.quarter_sum / QUARTER as f64);
                self.quarter_sum = 0.0;
                self.in_quarter = 0;
            }
        }
    }

    /// Integrated loudness in LUFS; None when nothing passes the gates (silence, or less
    /// than one 400 ms block).
    pub(crate) fn integrated(&self) -> Option<f64> {
        let loudness = |energy: f64| -0.691 + 10.0 * energy.log10();
        let blocks: Vec<f64> = self.quarters.windows(4).map(|w| w.iter().sum::<f64>() / 4.0).collect();
        let mean = |gate: f64| {
            let kept: Vec<f64> = blocks.iter().copied().filter(|&e| e > 0.0 && loudness(e) > gate).collect();
            (!kept.is_empty()).then(|| kept.iter().sum::<f64>() / kept.len() as f64)
        };
        let relative_gate = loudness(mean(ABSOLUTE_GATE_LUFS)?) + RELATIVE_GATE_LU;
        mean(relative_gate.max(ABSOLUTE_GATE_LUFS)).map(loudness)
    }

    /// True peak in dBTP (-inf for silence).
    pub(crate) fn true_peak_db(&self) -> f64 {
        20.0 * self.true_peak.log10()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f64, amplitude: f64, seconds: f64, phase: f64) -> Vec<f32> {
        let n = (48_000.0 * seconds) as usize;
        (0..n).map(|i| (amplitude * (2.0 * std::f64::consts::PI * freq * i as f64 / 48_000.0 + phase).sin()) as f32).collect()
    }

    #[test]
    fn a_full_scale_997_hz_sine_in_one_channel_reads_minus_3_lufs() {
        // BS.1770-4, 2.1: a 0 dBFS 997 Hz sine in one channel reads -3.01 LKFS.
        let mut meter = Meter::new(1);
        meter.add(&[&sine(997.0, 1.0, 5.0, 0.0)]);
        let i = meter.integrated().unwrap();
        assert!((i + 3.01).abs() < 0.05, "{i}");
        // Two channels of the same sound are 3 dB louder.
        let mut stereo = Meter::new(2);
        let s = sine(997.0, 0.1, 5.0, 0.0);
        stereo.add(&[&s, &s]);
        let i = stereo.integrated().unwrap();
        assert!((i - (-20.0 - 3.01 + 3.01)).abs() < 0.05, "{i}");
    }

    #[test]
    fn the_true_peak_finds_what_lies_between_samples() {
        // A quarter of the sample rate, phased so every sample is at 0.707 of the crest.
        let mut meter = Meter::new(1);
        meter.add(&[&sine(12_000.0, 1.0, 1.0, std::f64::consts::FRAC_PI_4)]);
        let tp = meter.true_peak_db();
        assert!(tp > -0.6 && tp < 0.3, "{tp}");
    }

    #[test]
    fn silence_and_very_short_sound_have_no_loudness() {
        let mut meter = Meter::new(2);
        let zeros = vec![0.0f32; 48_000];
        meter.add(&[&zeros, &zeros]);
        assert_eq!(meter.integrated(), None);
        let mut short = Meter::new(1);
        short.add(&[&sine(440.0, 0.5, 0.3, 0.0)]);
        assert_eq!(short.integrated(), None);
    }
}
