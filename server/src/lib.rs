//! The portal's server: configuration, database, the implementations of the app's
//! ports, background work and HTTP. `main.rs` only calls [`cli::run`].

// Release builds (no `erase_components`) spell out the pages' whole view types; the
// request form's is deeper than the default limit allows.
#![recursion_limit = "512"]

pub mod attachments;
pub mod captcha;
pub mod cli;
pub mod config;
pub mod db;
pub mod durable;
pub mod mail;
pub mod markdown;
pub mod metrics;
pub mod password;
pub mod precompress;
pub mod rate_limit;
pub mod refusal;
pub mod secret;
pub mod seed;
pub mod services;
pub mod session;
pub mod spent_captchas;
pub mod startup;
pub mod telemetry;
pub mod web;
