//! E-mail to citizens: composed once into an outbox row, delivered later by a job.
pub mod compose;
pub mod delivery;
pub mod transport;
