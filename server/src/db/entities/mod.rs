//! sea-orm entities, one per table, written to match `db::migrations` (no behaviour here).

pub mod faq_entry;
pub mod funcionalidade;
pub mod system;
