//! sea-orm entities, one per table, written to match `db::migrations` (no behaviour here).

pub mod agent;
pub mod agent_invite;
pub mod agent_session;
pub mod agent_system;
pub mod attachment;
pub mod audit_entry;
pub mod canned_reply;
pub mod faq_entry;
pub mod faq_event;
pub mod funcionalidade;
pub mod optional_day_off;
pub mod outbox_message;
pub mod portal_settings;
pub mod public_notice;
pub mod queue_count;
pub mod queue_count_delta;
pub mod request;
pub mod request_event;
pub mod sign_in_throttle;
pub mod system;
pub mod system_logo;
pub mod team_notice_cursor;
