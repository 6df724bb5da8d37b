//! The portal's user interface, wire types and domain rules. Compiled twice: with `ssr`
//! for the server (every page is rendered there) and with `hydrate` for the browser,
//! where only the interactive islands run.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;
#[cfg(feature = "ssr")]
pub mod request_context;
mod shell;

pub use shell::{shell, App, SITE_NAME};
