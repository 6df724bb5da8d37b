//! Pure rules shared by the browser and the server: no I/O, no framework types.

pub mod agent;
#[cfg(feature = "ssr")]
pub mod brasilia;
pub mod calendar;
pub mod canned;
pub mod citizen_text;
pub mod cns;
pub mod cpf;
pub mod description;
pub mod email;
pub mod faq_help;
pub mod lifecycle;
pub mod notices;
pub mod person_name;
pub mod phone;
pub mod pow;
pub mod protocol;
pub mod pt_br;
pub mod queue_search;
pub mod request_form;
pub mod search;
pub mod settings;
pub mod slug;
pub mod suggest;
pub mod team_notices;
pub mod uf;
