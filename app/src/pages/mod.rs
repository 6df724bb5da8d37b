//! One module per route.

pub mod faq;
pub mod home;
pub mod not_found;
