//! E-mail to citizens (and invitations and notices to the support team): composed once into an
//! outbox row, delivered later by a job.
pub mod access_link;
pub mod answered;
pub mod compose;
pub mod delivery;
pub mod finalized;
pub mod invite;
pub mod team_notice;
pub mod transport;
