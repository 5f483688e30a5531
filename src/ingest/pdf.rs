//! PDF ingest (placeholder until the layout engine lands).
use super::{IngestError, IngestOptions};
use crate::model::Document;

/// Reads a PDF into pages of layout text.
pub fn read_pdf(_bytes: &[u8], _opts: &IngestOptions) -> Result<Document, IngestError> {
    Err(IngestError::Pdf("PDF support not built yet".into()))
}
