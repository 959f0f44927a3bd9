//! The only module that writes files: whole outputs, atomically, under one folder.
//!
//! Every output is rendered to bytes first; [`write_all`] then writes each to a temporary file
//! in the target folder and renames it into place, so a reader never sees a half-written
//! file and a failed run leaves earlier outputs as they were.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A named output, fully rendered.
pub struct Output {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Output {
    pub fn new(name: &str, bytes: impl Into<Vec<u8>>) -> Output {
        Output {
            name: name.to_string(),
            bytes: bytes.into(),
        }
    }
}

/// Writes one file atomically: a named temporary file in the same folder (`tempfile`), flush
/// and sync, then `persist` renames it into place. On failure the temporary file is removed
/// (it is deleted when dropped) and any earlier file at `path` is left as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let prefix = format!(".{name}.");
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix).suffix(".tmp");
    // Temporary files are private (0600); outputs are ordinary files others may read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(fs::Permissions::from_mode(0o644));
    }
    let mut f = b.tempfile_in(dir)?;
    f.write_all(bytes)?;
    f.as_file().sync_all()?;
    f.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Creates `dir` (and parents) and writes every output into it; returns the paths written.
pub fn write_all(dir: &Path, outputs: &[Output]) -> std::io::Result<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let mut written = Vec::with_capacity(outputs.len());
    for o in outputs {
        let p = dir.join(&o.name);
        write_atomic(&p, &o.bytes)?;
        written.push(p);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_files_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a/b");
        let paths = write_all(
            &out,
            &[Output::new("x.txt", "hello"), Output::new("y.txt", "")],
        )
        .unwrap();
        assert_eq!(paths.len(), 2);
        assert_eq!(fs::read_to_string(out.join("x.txt")).unwrap(), "hello");
        let names: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn reports_an_unwritable_folder() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("plain");
        fs::write(&file, "x").unwrap();
        assert!(write_all(&file.join("sub"), &[Output::new("a", "b")]).is_err());
    }
}
