//! Pieces of page shared by several routes.

pub mod captcha;
pub mod complement_form;
pub mod confirm;
pub mod copy_button;
pub mod error_view;
pub mod escape;
pub mod faq_search;
pub mod layout;
pub mod loaded;
pub mod lookup_form;
pub mod refused;
pub mod request_form;
pub mod suggestion_list;
