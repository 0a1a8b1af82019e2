//! Benchmark driver for the photo engine (see bench/photo/README.md).
//!
//!   photo_bench ONE <photo> <out_dir>
//!       processes one photo exactly as the service does (4 WebP widths, JPEG fallback,
//!       placeholder) and prints the elapsed time;
//!   photo_bench BATCH <photo> <out_dir> <count> <threads>
//!       processes <count> photos through a pool of <threads> workers, each photo read from
//!       disk when its turn comes, and prints photos per second.

use piazza_workers::{photo::process_photo, Limits};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

fn one(input: &Path, out: &Path, limits: &Limits) {
    let data = std::fs::read(input).expect("read photo");
    std::fs::create_dir_all(out).expect("out dir");
    process_photo(&data, out, limits).unwrap_or_else(|e| panic!("{}: {e}", input.display()));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let limits = Limits::default();
    let started = Instant::now();
    match args.first().map(String::as_str) {
        Some("ONE") if args.len() == 3 => {
            one(Path::new(&args[1]), Path::new(&args[2]), &limits);
            println!("one photo: {:.3} s", started.elapsed().as_secs_f64());
        }
        Some("BATCH") if args.len() == 5 => {
            let input = PathBuf::from(&args[1]);
            let out = PathBuf::from(&args[2]);
            let count: usize = args[3].parse().expect("count");
            let threads: usize = args[4].parse().expect("threads");
            let next = AtomicUsize::new(0);
            std::thread::scope(|s| {
                for _ in 0..threads {
                    s.spawn(|| loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= count {
                            break;
                        }
                        one(&input, &out.join(i.to_string()), &limits);
                    });
                }
            });
            let secs = started.elapsed().as_secs_f64();
            println!("batch: {count} photos, {threads} threads, {secs:.2} s, {:.2} photos/s", count as f64 / secs);
        }
        _ => {
            eprintln!("usage: photo_bench ONE <photo> <out_dir> | BATCH <photo> <out_dir> <count> <threads>");
            std::process::exit(2);
        }
    }
}
