//! sea-orm entities, one per table, written to match `db::migrations` (no behaviour here).

pub mod attachment;
pub mod faq_entry;
pub mod funcionalidade;
pub mod optional_day_off;
pub mod outbox_message;
pub mod request;
pub mod request_event;
pub mod system;
