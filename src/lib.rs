//! nianbao: Chinese government information-disclosure annual reports
//! (政府信息公开工作年度报告) → audited CSV.
//!
//! The flow is one-directional: [`ingest`] (bytes → pages) → [`clean`] (furniture,
//! page-break repairs, with an audit trail) → [`parse`] (outline, table regions and
//! rows) → [`map`] (canonical cells, with [`grammar`] the templates as data) → [`check`] (identities, prose) →
//! [`write`]. [`pipeline::extract_bytes`] runs one input (its stages push repairs
//! and findings into one [`model::Trail`]); [`corpus::run`] runs many and pushes
//! each finished report into a [`sink::ReportSink`] (the CSV files:
//! [`write::CsvSink`], rows defined once in [`csvfile`]).
pub mod audit;
pub mod budget;
pub mod check;
pub mod clean;
pub mod cli;
pub mod corpus;
pub mod crossyear;
pub mod csvfile;
pub mod eval;
pub mod grammar;
pub mod ingest;
pub mod map;
pub mod merge;
pub mod model;
pub mod numbering;
pub mod parse;
pub mod pipeline;
pub mod sink;
pub mod text;
pub mod worker;
pub mod write;
pub mod xlsx;
