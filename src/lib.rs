//! nianbao: Chinese government information-disclosure annual reports → audited CSV.
pub mod eval;
pub mod ingest;
pub mod model;
