//! nianbao: Chinese government information-disclosure annual reports → audited CSV.
pub mod ingest;
pub mod model;
