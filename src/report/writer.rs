//! The only module that writes files: whole outputs, as a set, under one folder.
//!
//! Every output is rendered to bytes first. [`write_all`] then writes the whole set into a
//! temporary folder inside the target (`.caseload.partial-<pid>/`), flushes each file, adds a
//! `manifest.json` (every file with its size and SHA-256, and the caseload version), and only
//! then moves each file into place (a rename within one folder) and removes the files of an
//! earlier run that this run did not write (those listed in the old manifest, or with a name
//! caseload writes). A failed write leaves the earlier run's files as they were; the folder
//! never mixes two runs. Temporary folders and files left by a crashed run
//! (`.caseload.partial-*`, `.*.tmp*`, `.caseload.probe-*`) are cleared by the next write.
//!
//! [`ensure_writable`] is the cheap check a command makes before simulating, so an unusable
//! `--out` fails in a second rather than after the simulation. [`install_interrupt_handler`]
//! makes Ctrl-C and SIGTERM remove the temporary folder of a write in progress (it waits for
//! the write to finish or fail, which takes milliseconds) and exit with code 130.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// The file that lists a run's outputs.
pub(crate) const MANIFEST: &str = "manifest.json";

/// The exit code after Ctrl-C or SIGTERM (128 + SIGINT, as shells report an interrupt).
pub(crate) const INTERRUPTED: i32 = 130;

/// Names of files caseload writes, fixed or by pattern: an earlier run's file with one of
/// these names that the new run does not write is removed.
const KNOWN: &[&str] = &[
    "summary.json",
    "weekly.csv",
    "monthly.csv",
    "parameters.csv",
    "backlog_fan.svg",
    "backlog_fan.png",
    "capacity.svg",
    "capacity.png",
    "comparison.json",
    "comparison.csv",
    "compare_fan.svg",
    "compare_fan.png",
    "compare_success.svg",
    "compare_success.png",
    "compare_weekly.csv",
    "sweep.csv",
    "sweep.svg",
    "sweep.png",
    "min_staff.json",
    "min_staff.csv",
    "sensitivity.csv",
    "tornado.svg",
    "tornado.png",
    "briefing.html",
    "partial.json",
    MANIFEST,
];

fn is_known_output(name: &str) -> bool {
    KNOWN.contains(&name) || (name.starts_with("slide_") && name.ends_with(".png"))
}

/// Leftovers of an interrupted write: a staging folder, an old-style temporary file or a probe.
fn is_leftover(name: &str) -> bool {
    name.starts_with(".caseload.partial-")
        || name.starts_with(".caseload.probe-")
        || (name.starts_with('.') && (name.contains(".tmp-") || name.ends_with(".tmp")))
}

/// The staging folder of the write in progress, for the interrupt handler. The lock is held
/// for the whole write, so the handler never removes a folder while files move out of it.
static STAGING: Mutex<Option<PathBuf>> = Mutex::new(None);

/// A named output, fully rendered.
pub struct Output {
    /// The file name inside the output folder, e.g. `summary.json`.
    pub name: String,
    /// The file's full contents.
    pub bytes: Vec<u8>,
}

impl Output {
    /// An output named `name` holding `bytes`.
    pub fn new(name: &str, bytes: impl Into<Vec<u8>>) -> Output {
        Output {
            name: name.to_string(),
            bytes: bytes.into(),
        }
    }
}

/// Makes Ctrl-C and SIGTERM stop the process cleanly: any write in progress finishes or is
/// abandoned, its temporary folder is removed and the process exits with [`INTERRUPTED`].
/// Nothing is written before the simulation ends, so an interrupted simulation leaves the
/// output folder as it was. Calling it twice is harmless.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        let guard = STAGING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(dir) = guard.as_ref() {
            let _ = fs::remove_dir_all(dir);
        }
        // Also for commands that write nothing (`validate`, `check`): say only what holds.
        eprintln!("interrupted: no output folder was left half-written (each holds its earlier complete set of files, or the new one)");
        std::process::exit(INTERRUPTED);
    });
}

/// Checks, before any simulation, that `dir` can be created and written: creates it (and its
/// parents), writes and removes a small probe file.
pub fn ensure_writable(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let probe = dir.join(format!(".caseload.probe-{}", std::process::id()));
    let result = fs::File::create(&probe).and_then(|mut f| {
        f.write_all(b"caseload")?;
        f.sync_all()
    });
    let _ = fs::remove_file(&probe);
    result
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The manifest of a set of outputs: every file's name, size in bytes and SHA-256.
pub(crate) fn manifest(outputs: &[Output]) -> Vec<u8> {
    let files: Vec<serde_json::Value> = outputs
        .iter()
        .map(|o| {
            serde_json::json!({
                "name": o.name,
                "bytes": o.bytes.len(),
                "sha256": hex(&Sha256::digest(&o.bytes)),
            })
        })
        .collect();
    let doc = serde_json::json!({
        "caseload_version": env!("CARGO_PKG_VERSION"),
        "files": files,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text.into_bytes()
}

/// The file names an earlier run's manifest in `dir` lists (none if there is no manifest).
fn listed_in_manifest(dir: &Path) -> Vec<String> {
    let Ok(text) = fs::read_to_string(dir.join(MANIFEST)) else {
        return Vec::new();
    };
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Vec::new();
    };
    doc["files"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["name"].as_str())
                // Only plain names inside the folder: a manifest never reaches outside it.
                .filter(|n| !n.is_empty() && !n.contains(['/', '\\']) && *n != "..")
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Removes leftovers of an interrupted write in `dir` (not `keep`).
fn clear_leftovers(dir: &Path, keep: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if !is_leftover(&name) || path == keep {
            continue;
        }
        if path.is_dir() {
            let _ = fs::remove_dir_all(&path);
        } else {
            let _ = fs::remove_file(&path);
        }
    }
}

/// Writes the set into `stage`: every file, flushed, then the manifest. Fails before anything
/// in the target folder has changed.
fn stage_all(dir: &Path, stage: &Path, outputs: &[Output]) -> std::io::Result<()> {
    fs::create_dir(stage)?;
    for o in outputs {
        if o.name.is_empty() || o.name.contains(['/', '\\']) || o.name == MANIFEST {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("`{}` is not a plain output file name", o.name),
            ));
        }
        // A folder in the way would make the move fail half-way: refuse now.
        if dir.join(&o.name).is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("a folder named `{}` is in the way", o.name),
            ));
        }
        let mut f = fs::File::create(stage.join(&o.name))?;
        f.write_all(&o.bytes)?;
        f.sync_all()?;
    }
    let mut f = fs::File::create(stage.join(MANIFEST))?;
    f.write_all(&manifest(outputs))?;
    f.sync_all()?;
    Ok(())
}

/// Moves the staged set into `dir`, removes the earlier run's other files, manifest last.
fn move_in(dir: &Path, stage: &Path, outputs: &[Output]) -> std::io::Result<Vec<PathBuf>> {
    let old = listed_in_manifest(dir);
    let mut written = Vec::with_capacity(outputs.len() + 1);
    for o in outputs {
        let p = dir.join(&o.name);
        fs::rename(stage.join(&o.name), &p)?;
        written.push(p);
    }
    let ours = |n: &str| n == MANIFEST || outputs.iter().any(|o| o.name == n);
    let mut stale: Vec<String> = old.into_iter().filter(|n| !ours(n)).collect();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if is_known_output(&n) && !ours(&n) && e.path().is_file() {
                stale.push(n);
            }
        }
    }
    for n in stale {
        let p = dir.join(&n);
        if p.is_file() {
            fs::remove_file(&p)?;
        }
    }
    let m = dir.join(MANIFEST);
    fs::rename(stage.join(MANIFEST), &m)?;
    written.push(m);
    Ok(written)
}

/// Creates `dir` (and parents) and writes every output into it as one set, with a
/// `manifest.json`; returns the paths written (the manifest last). See the module docs.
pub fn write_all(dir: &Path, outputs: &[Output]) -> std::io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let stage = dir.join(format!(".caseload.partial-{}", std::process::id()));
    let mut guard = STAGING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    clear_leftovers(dir, Path::new(""));
    *guard = Some(stage.clone());
    let result = stage_all(dir, &stage, outputs).and_then(|()| move_in(dir, &stage, outputs));
    let _ = fs::remove_dir_all(&stage);
    *guard = None;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn writes_whole_files_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a/b");
        let paths = write_all(
            &out,
            &[Output::new("x.txt", "hello"), Output::new("y.txt", "")],
        )
        .unwrap();
        assert_eq!(paths.len(), 3);
        assert_eq!(fs::read_to_string(out.join("x.txt")).unwrap(), "hello");
        assert_eq!(names(&out), ["manifest.json", "x.txt", "y.txt"]);
    }

    #[test]
    fn reports_an_unwritable_folder() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain");
        fs::write(&file, "x").unwrap();
        assert!(write_all(&file.join("sub"), &[Output::new("a", "b")]).is_err());
        assert!(ensure_writable(&file.join("sub")).is_err());
        assert!(ensure_writable(dir.path()).is_ok());
        assert_eq!(names(dir.path()), ["plain"], "the probe is removed");
    }

    #[test]
    fn replaces_an_earlier_set_and_keeps_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        write_all(out, &[Output::new("a.txt", "1"), Output::new("b.txt", "2")]).unwrap();
        fs::write(out.join("briefing.html"), "stale").unwrap();
        fs::write(out.join("notes.txt"), "the user's").unwrap();
        fs::write(out.join(".summary.json.abc.tmp"), "left").unwrap();
        fs::create_dir(out.join(".caseload.partial-1")).unwrap();
        fs::write(out.join(".caseload.partial-1/x"), "left").unwrap();
        write_all(out, &[Output::new("a.txt", "3")]).unwrap();
        assert_eq!(names(out), ["a.txt", "manifest.json", "notes.txt"]);
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "3");
    }

    #[test]
    fn a_failed_write_leaves_the_earlier_set_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        write_all(out, &[Output::new("a.txt", "1")]).unwrap();
        let before = fs::read(out.join(MANIFEST)).unwrap();
        let bad = [Output::new("a.txt", "2"), Output::new("no/such.txt", "x")];
        assert!(write_all(out, &bad).is_err());
        assert_eq!(names(out), ["a.txt", "manifest.json"]);
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "1");
        assert_eq!(fs::read(out.join(MANIFEST)).unwrap(), before);
    }

    #[test]
    fn the_manifest_lists_sizes_and_hashes() {
        let m: serde_json::Value =
            serde_json::from_slice(&manifest(&[Output::new("x", "abc")])).unwrap();
        assert_eq!(m["files"][0]["bytes"], 3);
        assert_eq!(
            m["files"][0]["sha256"],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(m["caseload_version"], env!("CARGO_PKG_VERSION"));
    }
}
