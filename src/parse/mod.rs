//! Parse: cleaned lines → outline (headings, title block) and table regions.
pub mod crawled;
pub mod loose;
pub mod meta;
pub mod outline;
pub mod tables;
pub mod tokens;
pub mod wrapped;
