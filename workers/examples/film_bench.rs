//! Runs one step of the film engine on a file, for `bench/film/run.sh` (timed from the
//! outside, like the `ffmpeg` CLI it is compared with).
//!
//! ```text
//! film_bench web720 INPUT OUT_DIR   # web.mp4 only (1280x720): compare with ffmpeg -vf scale=-2:720 ...
//! film_bench full   INPUT OUT_DIR   # process_film: web.mp4 + web-360.mp4 + posters
//! film_bench poster INPUT OUT_DIR   # extract_poster: poster.jpg + poster.webp
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use piazza_workers::film;
use piazza_workers::Limits;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, mode, input, out_dir] = &args[..] else {
        eprintln!("usage: film_bench web720|full|poster INPUT OUT_DIR");
        return ExitCode::from(2);
    };
    let (input, out_dir) = (PathBuf::from(input), PathBuf::from(out_dir));
    if let Err(e) = std::fs::create_dir_all(&out_dir) {
        eprintln!("cannot create {}: {e}", out_dir.display());
        return ExitCode::FAILURE;
    }
    let limits = Limits::default();
    let result = match mode.as_str() {
        "web720" => film::transcode_web_only(&input, &out_dir, &limits).map(|r| format!("{r:?}")),
        "full" => film::process_film(&input, &out_dir, &limits, &mut |_| {}).map(|o| format!("{o:?}")),
        "poster" => film::extract_poster(&input, &out_dir, &limits).map(|p| format!("{p:?}")),
        other => {
            eprintln!("unknown mode {other}: web720, full or poster");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(summary) => {
            if std::env::var_os("FILM_BENCH_VERBOSE").is_some() {
                println!("{summary}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
