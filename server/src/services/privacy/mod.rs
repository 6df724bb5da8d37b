//! The data subject's rights (LGPD art. 18), handled by administrators and the
//! data-protection officer ("Encarregado") at
//! `/admin/titulares`: everything about one CPF found (the search audited), exported,
//! corrected (audited with the values masked) or anonymised (irreversible, audited once);
//! the citizen's own copy from a follow-up session; and the retention job ([`retention`]).

pub mod anonymise;
pub mod export;
pub mod retention;

use super::admin::AdminService;
use super::agents::Principal;
use super::audit::{self, action, Actor};
use super::refuse;
use crate::attachments::store::AttachmentStore;
use crate::db::entities::{request, system};
use crate::db::WriteGate;
use crate::refusal::{FieldProblem, Refusal};
use anonymise::{anonymise_requests, Anonymised};
use app::api::privacy::{Subject, SubjectPage, SubjectRequest};
use app::api::AppError;
use app::domain::brasilia::date_time;
use app::domain::cpf::Cpf;
use app::domain::email::Email;
use app::domain::lifecycle::Status;
use app::domain::person_name::PersonName;
use app::domain::phone::Phone;
use app::domain::privacy::{masked_email, masked_name};
use app::domain::queue_search::index_text;
use app::ports::PrivacyDesk;
use async_trait::async_trait;
use chrono::Utc;
use export::Reader;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

/// What a refused CPF shows beside the field.
pub const CPF_REFUSED: &str = "Informe um CPF válido, com os 11 dígitos.";

pub struct PrivacyService {
    db: DatabaseConnection,
    gate: WriteGate,
    admin: Arc<AdminService>,
    attachments: Arc<dyn AttachmentStore>,
    /// Where e-mail is written when it goes to files (their copies are deleted too).
    mail_dir: Option<PathBuf>,
}

fn cpf_of(typed: &str) -> Result<Cpf, Refusal> {
    Cpf::parse(typed).map_err(|_| Refusal::invalid("cpf", CPF_REFUSED))
}

impl PrivacyService {
    pub fn new(
        db: DatabaseConnection,
        gate: WriteGate,
        admin: Arc<AdminService>,
        attachments: Arc<dyn AttachmentStore>,
        mail_dir: Option<PathBuf>,
    ) -> PrivacyService {
        PrivacyService { db, gate, admin, attachments, mail_dir }
    }

    pub fn attachments(&self) -> &Arc<dyn AttachmentStore> {
        &self.attachments
    }

    pub fn mail_dir(&self) -> Option<&PathBuf> {
        self.mail_dir.as_ref()
    }

    async fn rows_of(&self, cpf: &Cpf) -> Result<Vec<request::Model>, DbErr> {
        request::Entity::find()
            .filter(request::Column::Cpf.eq(cpf.digits()))
            .order_by_asc(request::Column::Id)
            .all(&self.db)
            .await
    }

    async fn audit(&self, by: &Principal, what: &str, detail: &str, client: Option<String>) -> Result<(), DbErr> {
        let _turn = self.gate.enter().await;
        let actor = Actor { agent_id: Some(by.id), ip: client };
        audit::record(&self.db, &actor, what, None, detail, Utc::now()).await
    }

    /// Everything about `cpf`, for the page (the search is audited).
    async fn find(&self, by: &Principal, cpf: &Cpf, client: Option<String>) -> Result<Option<Subject>, DbErr> {
        self.audit(by, action::SUBJECT_SEARCH, &cpf.masked(), client).await?;
        let rows = self.rows_of(cpf).await?;
        let Some(latest) = rows.iter().rev().find(|r| r.anonymized_at.is_none()).or(rows.last()) else {
            return Ok(None);
        };
        let systems: HashMap<i32, String> =
            system::Entity::find().all(&self.db).await?.into_iter().map(|s| (s.id, s.name)).collect();
        Ok(Some(Subject {
            cpf: cpf.digits(),
            cpf_masked: cpf.masked(),
            name: latest.name.clone(),
            email: latest.email.clone(),
            phone: Phone::parse(&latest.phone).map(|p| p.formatted()).unwrap_or_default(),
            requests: rows
                .iter()
                .map(|r| SubjectRequest {
                    number: r.number.clone(),
                    system: systems.get(&r.system_id).cloned().unwrap_or_default(),
                    status: Status::from_code(&r.status).map(|s| s.label().to_owned()).unwrap_or_default(),
                    opened_at: date_time(r.created_at),
                    anonymised: r.anonymized_at.is_some(),
                })
                .collect(),
        }))
    }

    /// The team's ZIP of everything about `cpf` (audited); `Refused` when there is none.
    pub async fn export(&self, by: &Principal, cpf: &str, client: Option<String>) -> Result<Vec<u8>, Refusal> {
        let cpf = cpf_of(cpf)?;
        let rows = self.rows_of(&cpf).await?;
        if rows.is_empty() {
            return Err(Refusal::Refused("Nenhuma solicitação com este CPF.".to_owned()));
        }
        self.audit(by, action::SUBJECT_EXPORT, &format!("{} ({} solicitações)", cpf.masked(), rows.len()), client)
            .await?;
        let export = export::collect(&self.db, rows, Reader::Team).await?;
        export::zip(&export, self.attachments.as_ref()).await.map_err(|error| {
            tracing::error!(error = %error, "a data subject's export could not be written");
            Refusal::Unavailable
        })
    }

    /// Corrects the name, e-mail and phone on every request of `cpf` not anonymised.
    pub async fn correct(
        &self,
        by: &Principal,
        cpf: &str,
        fields: [&str; 3],
        client: Option<String>,
    ) -> Result<(), Refusal> {
        let cpf = cpf_of(cpf)?;
        let [name, email, phone] = fields;
        let mut problems = Vec::new();
        let name =
            PersonName::parse(name).map_err(|e| problems.push(FieldProblem { field: "nome", message: e.to_string() }));
        let email =
            Email::parse(email).map_err(|e| problems.push(FieldProblem { field: "email", message: e.to_string() }));
        let phone =
            Phone::parse(phone).map_err(|e| problems.push(FieldProblem { field: "telefone", message: e.to_string() }));
        let (Ok(name), Ok(email), Ok(phone)) = (name, email, phone) else { return Err(Refusal::Invalid(problems)) };
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let rows = request::Entity::find()
            .filter(request::Column::Cpf.eq(cpf.digits()))
            .filter(request::Column::AnonymizedAt.is_null())
            .all(&txn)
            .await?;
        let Some(before) = rows.last().cloned() else {
            return Err(Refusal::Refused("Nenhuma solicitação com este CPF para corrigir.".to_owned()));
        };
        for row in &rows {
            let text = index_text(&row.number, name.as_str(), email.as_str(), &phone.digits(), &row.description);
            request::Entity::update_many()
                .col_expr(request::Column::Name, Expr::value(name.as_str()))
                .col_expr(request::Column::Email, Expr::value(email.as_str()))
                .col_expr(request::Column::Phone, Expr::value(phone.digits()))
                .col_expr(request::Column::SearchText, Expr::value(text))
                .filter(request::Column::Id.eq(row.id))
                .exec(&txn)
                .await?;
        }
        let old_phone = Phone::parse(&before.phone).map(|p| p.masked()).unwrap_or_default();
        let detail = format!(
            "{}: nome {} → {}; e-mail {} → {}; telefone {old_phone} → {}",
            cpf.masked(),
            masked_name(&before.name),
            masked_name(name.as_str()),
            masked_email(&before.email),
            masked_email(email.as_str()),
            phone.masked()
        );
        let actor = Actor { agent_id: Some(by.id), ip: client };
        audit::record(&txn, &actor, action::SUBJECT_CORRECT, None, &detail, Utc::now()).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Anonymises the requests `numbers` of `cpf`, those the page showed (irreversible;
    /// one audit entry). Posted again once done, it says so: the CPF finds them no more.
    pub async fn anonymise(
        &self,
        by: &Principal,
        cpf: &str,
        numbers: &str,
        keep_texts: bool,
        client: Option<String>,
    ) -> Result<Anonymised, Refusal> {
        let cpf = cpf_of(cpf)?;
        let numbers: Vec<&str> = numbers.split_whitespace().collect();
        let rows = request::Entity::find().filter(request::Column::Number.is_in(numbers)).all(&self.db).await?;
        let ids: Vec<i32> =
            rows.iter().filter(|r| r.anonymized_at.is_none() && r.cpf == cpf.digits()).map(|r| r.id).collect();
        if ids.is_empty() {
            return Err(Refusal::Refused(if rows.iter().any(|r| r.anonymized_at.is_some()) {
                "Os dados destas solicitações já foram anonimizados.".to_owned()
            } else {
                "Nenhuma solicitação com este CPF.".to_owned()
            }));
        }
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let (done, leftovers) = anonymise_requests(&txn, &ids, keep_texts, now).await?;
        if done.requests == 0 {
            return Err(Refusal::Refused("Os dados destas solicitações já foram anonimizados.".to_owned()));
        }
        let detail = format!(
            "{}: {} solicitações, {} anexos e {} e-mails; textos livres {}",
            cpf.masked(),
            done.requests,
            done.attachments,
            done.mails,
            if keep_texts { "mantidos (sem dados pessoais, confirmado)" } else { "removidos" }
        );
        let actor = Actor { agent_id: Some(by.id), ip: client };
        audit::record(&txn, &actor, action::SUBJECT_ANONYMISE, None, &detail, now).await?;
        txn.commit().await?;
        leftovers.remove(&self.attachments, self.mail_dir.as_ref()).await;
        tracing::info!(requests = done.requests, attachments = done.attachments, "a data subject was anonymised");
        Ok(done)
    }

    /// The citizen's own copy of the requests `ids` (their follow-up session's scope).
    pub async fn citizen_copy(&self, ids: &[i32]) -> Result<export::Export, DbErr> {
        let rows = request::Entity::find()
            .filter(request::Column::Id.is_in(ids.iter().copied()))
            .order_by_asc(request::Column::Id)
            .all(&self.db)
            .await?;
        export::collect(&self.db, rows, Reader::Citizen).await
    }
}

#[async_trait]
impl PrivacyDesk for PrivacyService {
    async fn subject(
        &self,
        session: Option<&str>,
        cpf: Option<&str>,
        client: Option<std::net::IpAddr>,
    ) -> Result<SubjectPage, AppError> {
        let admin = self.admin.data_officer(session).await?;
        let found = match cpf.map(Cpf::parse) {
            Some(Ok(cpf)) => Some(
                self.find(&admin, &cpf, client.map(|ip| ip.to_string()))
                    .await
                    .map_err(refuse("finding a data subject"))?,
            ),
            _ => None,
        };
        Ok(SubjectPage { admin: admin.view(), found })
    }
}
