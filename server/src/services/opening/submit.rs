//! The opening of a request from the request form, in order: the per-address limit, a
//! form already stored (its idempotency key) gets that request's number, then the fields
//! and captcha are checked (every rule the browser checked, with the same messages per
//! field), then the per-person limit and the images, and only then are the files stored
//! and the request written with the other openings of the moment. Once the captcha
//! checked out, any refusal spends it; files stored for an opening that fails are deleted
//! again. Both doors of the form (the island's JSON post and the plain form post) come
//! here through `web::open_request`, which only reads the body and maps the refusal.

use super::{FormSystem, OpenError, RequestService, Submission};
use crate::attachments::intake::{check_uploads, put_files};
use crate::attachments::Upload;
use crate::captcha::Verified;
use crate::refusal::{FieldProblem, Refusal};
use app::domain::request_form::{self, is_idempotency_key, Draft, Field, ValidDraft};
use std::net::IpAddr;

/// What the request form carried, as the handler read it from the body.
#[derive(Default)]
pub struct Posted {
    pub draft: Draft,
    pub captcha: String,
    /// The form's idempotency key as posted (maybe empty or malformed).
    pub idempotency_key: String,
    pub uploads: Vec<Upload>,
}

/// An opened request, or the one this very form had opened already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub number: String,
    /// Its confirmation page, signed so that only this browser sees it.
    pub confirmation: String,
}

/// Refused: the person, CPF and e-mail, opened as many requests as allowed in 24 hours.
const PERSON_LIMIT: &str = "Você já abriu o número máximo de solicitações com este CPF e este e-mail nas últimas 24 horas. Acompanhe as solicitações abertas ou tente novamente amanhã.";
/// Refused: too many openings from this address in the hour.
const ADDRESS_LIMIT: &str = "Muitas solicitações enviadas a partir desta rede. Aguarde uma hora e tente novamente.";
/// Refused: the challenge was used already (a second tab, a resubmission that lost the race).
const CAPTCHA_SPENT: &str =
    "Esta verificação anti-robô já foi usada. Ela será refeita; aguarde “Verificado” e envie novamente.";

impl RequestService {
    /// Opens a request from what the form of `form`'s system posted from `client`, or
    /// says why not.
    pub async fn submit(&self, form: &FormSystem, posted: Posted, client: IpAddr) -> Result<Opened, Refusal> {
        if !self.per_ip.allow_address(client).await? {
            tracing::info!(%client, "request form: per-IP limit reached");
            return Err(Refusal::Limited(ADDRESS_LIMIT.to_owned()));
        }
        let Posted { draft: typed, captcha, idempotency_key, uploads } = posted;
        let key = Some(idempotency_key).filter(|k| is_idempotency_key(k));
        // The same form again (a double click, a retry after a timeout): the first request's
        // number, before its captcha, which the first submission spent, is even looked at.
        if let Some(key) = &key {
            if let Some(number) = self.opened_with_key(key).await? {
                return Ok(self.opened(form, number));
            }
        }
        let mut problems: Vec<(Field, String)> = Vec::new();
        let draft = match request_form::validate(&typed, &form.funcionalidade_ids()) {
            Ok(draft) => Some(draft),
            Err(fields) => {
                problems.extend(fields);
                None
            }
        };
        let captcha = match self.captcha.verify(&captcha, chrono::Utc::now()) {
            Ok(verified) => Some(verified),
            Err(error) => {
                problems.push((Field::Captcha, error.message().to_owned()));
                None
            }
        };
        let Some(captcha) = captcha else { return Err(invalid(problems)) };
        // From here on the captcha checked out: whatever refuses the submission spends it, so
        // one solved challenge buys one try (the browser solves a fresh one for the next).
        let Some(draft) = draft else {
            self.spend_refused(captcha).await;
            return Err(invalid(problems));
        };
        match self.open_checked(form, draft, captcha.clone(), key.clone(), uploads).await {
            Ok(opened) => Ok(opened),
            Err(refused) => {
                self.spend_refused(captcha).await;
                // Refused as a spent captcha, and yet the form's request exists: it is a
                // resubmission that raced the first one's commit.
                if let (Some(key), Refusal::Invalid(_)) = (&key, &refused) {
                    if let Ok(Some(number)) = self.opened_with_key(key).await {
                        return Ok(self.opened(form, number));
                    }
                }
                Err(refused)
            }
        }
    }

    /// The rest of an opening whose fields and captcha checked out: the per-person limit,
    /// the images, the files and the request itself.
    async fn open_checked(
        &self,
        form: &FormSystem,
        draft: ValidDraft,
        captcha: Verified,
        idempotency_key: Option<String>,
        uploads: Vec<Upload>,
    ) -> Result<Opened, Refusal> {
        if self.over_daily_limit(&draft).await? {
            tracing::info!(cpf = %draft.cpf.masked(), "request form: per-person limit reached");
            return Err(Refusal::Limited(PERSON_LIMIT.to_owned()));
        }
        // Images are decoded only for an otherwise valid, captcha-backed submission: decoding
        // is the expensive part, and must not be free to repeat.
        let images =
            check_uploads(uploads, form.limits).await.map_err(|message| invalid(vec![(Field::Anexos, message)]))?;
        let attachments = put_files(self.attachments.as_ref(), images)
            .await
            .map_err(Refusal::logged("storing the attachments of an opening"))?;
        let ids: Vec<String> = attachments.iter().map(|a| a.id.clone()).collect();
        match self.open(form, Submission { draft, captcha, attachments, idempotency_key }).await {
            Ok(number) => {
                tracing::info!(number = %number, system = %form.system.slug, files = ids.len(), "request opened");
                Ok(self.opened(form, number))
            }
            Err(error) => {
                // When the commit's outcome is unknown the rows may exist: keep the files
                // (an orphan file is harmless, a record without its file is not).
                if !matches!(error, OpenError::CommitUnknown(_)) {
                    for id in &ids {
                        let _ = self.attachments.delete(id).await;
                    }
                }
                Err(match error {
                    OpenError::CpfLimit => Refusal::Limited(PERSON_LIMIT.to_owned()),
                    OpenError::CaptchaSpent => invalid(vec![(Field::Captcha, CAPTCHA_SPENT.to_owned())]),
                    other => {
                        tracing::error!(error = %other, system = %form.system.slug, "storing a request");
                        Refusal::Unavailable
                    }
                })
            }
        }
    }

    /// The answer for an opened `number`: it, and its confirmation page for this browser.
    fn opened(&self, form: &FormSystem, number: String) -> Opened {
        let token = self.created_token(&number);
        let confirmation = format!("/faq/{}/chamado/{number}?t={token}", form.system.slug);
        Opened { number, confirmation }
    }
}

/// The form's fields at fault, in the order the form shows them.
fn invalid(mut problems: Vec<(Field, String)>) -> Refusal {
    problems.sort_by_key(|(field, _)| Field::ALL.iter().position(|f| f == field));
    Refusal::Invalid(
        problems.into_iter().map(|(field, message)| FieldProblem { field: field.name(), message }).collect(),
    )
}
