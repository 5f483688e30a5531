//! `inputs.csv`: where each report's input file is, so the audit view can show the
//! text the tool read.
//!
//! `reports.csv` names a report by its path relative to the input root given on the
//! command line, which is stable across machines but not enough to open the file
//! later from another working directory. `nianbao extract` therefore also writes
//! `inputs.csv` (`report,path`, the absolute path of each input; empty for standard
//! input; `merge` writes the union of its shards'). `nianbao audit --inputs DIR…` finds
//! the files again the way `extract` does instead (when the output folder moved to
//! another machine).

use crate::corpus::{discover, Input};
use crate::csvfile::{tmp_path, CsvRow, InputRow, RowReader, RowWriter};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io;
use std::path::{Path, PathBuf};

/// The manifest's file name in the output folder (rows: [`InputRow`]).
pub const MANIFEST: &str = InputRow::FILE;

/// Writes `dir/inputs.csv` atomically.
pub fn write_manifest(dir: &Path, inputs: &[Input]) -> io::Result<()> {
    let tmp = tmp_path(dir, MANIFEST);
    let mut w = RowWriter::<InputRow>::create(&tmp, false)?;
    for i in inputs {
        let path = i.path.as_deref().map(absolute).unwrap_or_default();
        w.write(&InputRow {
            report: Cow::Borrowed(&i.id),
            path: Cow::Owned(path),
        })?;
    }
    w.close()?;
    std::fs::rename(&tmp, dir.join(MANIFEST))
}

fn absolute(p: &Path) -> String {
    std::fs::canonicalize(p)
        .or_else(|_| std::env::current_dir().map(|d| d.join(p)))
        .unwrap_or_else(|_| p.to_path_buf())
        .to_string_lossy()
        .to_string()
}

/// Writes `out/inputs.csv` as the union of the shard folders' manifests (after
/// `nianbao merge`), rows by report id; nothing when no shard has one.
pub fn merge_manifests(dirs: &[PathBuf], out: &Path) -> io::Result<()> {
    let mut all: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut any = false;
    for d in dirs {
        any |= d.join(MANIFEST).exists();
        all.extend(input_paths(d, &[])?);
    }
    if !any {
        return Ok(());
    }
    let inputs: Vec<Input> = all
        .into_iter()
        .map(|(id, p)| Input { id, path: Some(p) })
        .collect();
    write_manifest(out, &inputs)
}

/// Report id → input file: from `--inputs` when given (discovered as `extract`
/// does), else from the manifest; empty when neither exists.
pub fn input_paths(dir: &Path, inputs: &[PathBuf]) -> io::Result<HashMap<String, PathBuf>> {
    if !inputs.is_empty() {
        return Ok(discover(inputs)?
            .into_iter()
            .filter_map(|i| Some((i.id, i.path?)))
            .collect());
    }
    let path = dir.join(MANIFEST);
    if !path.exists() {
        return Ok(HashMap::new());
    }
    let mut out = HashMap::new();
    for row in RowReader::<InputRow>::open(&path)? {
        let row = row?;
        if !row.path.is_empty() {
            out.insert(row.report.into_owned(), PathBuf::from(row.path.as_ref()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.txt");
        std::fs::write(&f, "x").unwrap();
        let inputs = vec![
            Input {
                id: "-".into(),
                path: None,
            },
            Input {
                id: "a.txt".into(),
                path: Some(f.clone()),
            },
        ];
        write_manifest(dir.path(), &inputs).unwrap();
        let m = input_paths(dir.path(), &[]).unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(m["a.txt"], std::fs::canonicalize(&f).unwrap());
        // --inputs wins over the manifest.
        let m = input_paths(dir.path(), &[dir.path().to_path_buf()]).unwrap();
        assert!(m.contains_key("a.txt") && !m.contains_key("-"));
    }

    #[test]
    fn merged_manifest_is_the_union_of_the_shards() {
        let dir = tempfile::tempdir().unwrap();
        let (s1, s2, out) = (
            dir.path().join("s1"),
            dir.path().join("s2"),
            dir.path().join("m"),
        );
        for d in [&s1, &s2, &out] {
            std::fs::create_dir_all(d).unwrap();
        }
        let input = |id: &str| Input {
            id: id.into(),
            path: Some(dir.path().join(id)),
        };
        write_manifest(&s1, &[input("b.txt")]).unwrap();
        write_manifest(&s2, &[input("a.txt")]).unwrap();
        merge_manifests(&[s1, s2], &out).unwrap();
        let text = std::fs::read_to_string(out.join(MANIFEST)).unwrap();
        let ids: Vec<&str> = text
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap())
            .collect();
        assert_eq!(ids, vec!["a.txt", "b.txt"]);
        // No shard manifests: no merged one either.
        let out2 = dir.path().join("m2");
        std::fs::create_dir_all(&out2).unwrap();
        merge_manifests(std::slice::from_ref(&out2), &out2.join("x")).unwrap();
        assert!(!out2.join("x").join(MANIFEST).exists());
    }
}
