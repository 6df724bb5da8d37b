//! Pieces of page shared by several routes.

pub mod error_view;
pub mod faq_search;
pub mod layout;
