//! nianbao: Chinese government information-disclosure annual reports
//! (政府信息公开工作年度报告) → audited CSV.
//!
//! The flow is one-directional: [`ingest`] (bytes → pages) → [`clean`] (furniture,
//! page-break repairs, with an audit trail) → [`parse`] (outline, table regions and
//! rows) → [`template`] (canonical cells) → [`check`] (identities, prose) →
//! [`write`]. [`pipeline::extract_bytes`] runs one input; [`corpus`] runs many.
pub mod check;
pub mod clean;
pub mod cli;
pub mod corpus;
pub mod crossyear;
pub mod eval;
pub mod ingest;
pub mod merge;
pub mod model;
pub mod parse;
pub mod pipeline;
pub mod template;
pub mod text;
pub mod write;
pub mod xlsx;
