//! Wire types and server functions, one module per feature. Server functions stay
//! thin: they take a port from the Leptos context, call it, and return a wire type or
//! an [`AppError`].

pub mod admin;
pub mod catalog;
pub mod catalog_admin;
pub mod console;
pub mod error;
pub mod faq_help;
pub mod follow;
pub mod forms;
pub mod notices;
pub mod privacy;
pub mod profile;
pub mod reports;
pub mod request;
pub mod settings;

pub use error::{could_not, AppError, TRY_AGAIN_LATER};
