//! Pure rules shared by the browser and the server: no I/O, no framework types.

pub mod calendar;
pub mod cpf;
pub mod phone;
pub mod search;
pub mod slug;
pub mod uf;
