//! One module per route.

pub mod admin;
pub mod console;
pub mod faq;
pub mod follow;
pub mod history;
pub mod home;
pub mod not_found;
pub mod notice;
pub mod request_created;
pub mod request_form;
