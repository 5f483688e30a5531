//! Excel workbook output (placeholder until corpus-scale work lands).
use crate::template::Grammars;
use std::path::Path;

pub fn write_workbook(_out_dir: &Path, _file: &Path, _g: &Grammars) -> std::io::Result<()> {
    Err(std::io::Error::other("xlsx not built yet"))
}
