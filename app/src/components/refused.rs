//! A refused form post, read by the page it is shown on: the server renders the page
//! again with a [`Feedback`] over the screen's form type in the context (see
//! `app::api::forms`); these read it, and the page answers with the refusal's status.

use crate::api::forms::Feedback;
use crate::components::error_view::set_status;
use leptos::prelude::*;

/// The refusal of this page's post, if this render is one (the server renders the page
/// again with it); the page then answers with the refusal's status.
pub fn refused<F: Clone + Send + Sync + 'static>() -> Option<Feedback<F>> {
    let feedback = use_context::<Feedback<F>>();
    if let Some(feedback) = &feedback {
        set_status(feedback.status);
    }
    feedback
}

/// The message of the field `field`, if the post was refused there.
pub fn field_error<F>(feedback: &Option<Feedback<F>>, field: &str) -> Option<String> {
    feedback.as_ref()?.field_error(field)
}

/// The message of a refusal that concerns the form as a whole.
pub fn form_error<F>(feedback: &Option<Feedback<F>>) -> Option<String> {
    feedback.as_ref()?.form_error()
}
