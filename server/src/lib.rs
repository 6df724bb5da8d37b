//! The portal's server: configuration, database, the implementations of the app's
//! ports, background work and HTTP. `main.rs` only calls [`cli::run`].

pub mod cli;
pub mod config;
pub mod db;
pub mod markdown;
pub mod precompress;
pub mod seed;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod web;
