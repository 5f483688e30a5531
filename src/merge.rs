//! Merge shard outputs (placeholder until corpus-scale work lands).
use std::path::{Path, PathBuf};

pub fn merge(_dirs: &[PathBuf], _out: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other("merge not built yet"))
}
