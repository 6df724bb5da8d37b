//! Pure rules shared by the browser and the server: no I/O, no framework types.

pub mod search;
pub mod slug;
