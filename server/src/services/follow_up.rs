//! The citizen's side after opening: what a session may see (a lookup's covers its one
//! request, an e-mail link's every request of that person: same CPF and same e-mail),
//! the list and history it may read, the e-mailed link to the whole list, and the
//! citizen's answers to a finalized request (reopen, rate, close).

use super::lookup::Lookups;
use super::opening::mailbox;
use super::reference::Reference;
use super::refuse;
use super::settings::SettingsStore;
use crate::attachments::AttachedFile;
use crate::db::entities::{attachment, request, request_event, system};
use crate::db::WriteGate;
use crate::refusal::Refusal;
use crate::session::{Scope, Sessions};
use app::api::follow::{Answerable, AttachmentLink, History, RequestList, RequestSummary, TimelineEntry};
use app::api::AppError;
use app::domain::brasilia::{self, date_time as brasilia_date_time};
use app::domain::citizen_text;
use app::domain::cpf::Cpf;
use app::domain::lifecycle::{rating_label, EventKind, Standing, Status};
use app::domain::protocol::ProtocolNumber;
use app::domain::pt_br;
use app::ports::{FollowDesk, LookupAnswer};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use std::net::IpAddr;
use std::sync::Arc;

/// Most requests listed for one person (newest first); nobody has more in practice.
const LIST_LIMIT: u64 = 200;

/// What the citizen may do to a finalized request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CitizenAction {
    /// "Não", with the reason.
    Contest { reason: String },
    /// "Sim" then "Avaliar atendimento": 1–5 and an optional comment.
    Rate { score: Option<u8>, comment: String },
    /// "Sim" then "Fechar".
    Close,
}

pub struct FollowService {
    db: DatabaseConnection,
    gate: WriteGate,
    sessions: Sessions,
    lookups: Lookups,
    /// The systems' names, from this instance's copy (see [`Reference`]).
    reference: Reference,
    /// The attachment limits a complement is offered with.
    settings: Arc<SettingsStore>,
}

/// What [`FollowService`] reads besides the requests: this instance's copies.
pub struct Copies {
    pub reference: Reference,
    pub settings: Arc<SettingsStore>,
}

/// Where a stored request stands now. The deadline counts even before the acceptance
/// job has run: once it passed, the request is accepted for every purpose.
pub fn standing_of(row: &request::Model, now: DateTime<Utc>) -> Standing {
    let status = Status::from_code(&row.status).unwrap_or_else(|| {
        tracing::error!(request = row.id, status = %row.status, "unknown status in the database; treating as Recebido");
        Status::Recebido
    });
    let past_deadline = status == Status::Finalizado && row.accept_due_at.is_some_and(|due| due <= now);
    Standing { status, accepted: row.accepted_at.is_some() || past_deadline, closed: row.closed_at.is_some() }
}

impl FollowService {
    pub fn new(
        db: DatabaseConnection,
        gate: WriteGate,
        sessions: Sessions,
        lookups: Lookups,
        copies: Copies,
    ) -> FollowService {
        FollowService { db, gate, sessions, lookups, reference: copies.reference, settings: copies.settings }
    }

    pub fn sessions(&self) -> &Sessions {
        &self.sessions
    }

    /// What a session may see. A session from a lookup covers its anchor request only: the
    /// CPF and the number are things other people may know, and anyone can open a request
    /// with someone else's CPF and e-mail address and get its number. A session from an
    /// e-mail link proves the mailbox, so it covers every request of the anchor's person:
    /// the same CPF **and** the same e-mail address, compared without case. See "Threat
    /// model" in docs/architecture.md.
    fn scope_of(anchor: &str, scope: Scope) -> sea_orm::Condition {
        match scope {
            Scope::Request => sea_orm::Condition::all().add(request::Column::Number.eq(anchor)),
            Scope::Person => {
                let of_anchor = |column: SimpleExpr| {
                    Query::select()
                        .expr(column)
                        .from(request::Entity)
                        .and_where(request::Column::Number.eq(anchor))
                        .to_owned()
                };
                sea_orm::Condition::all()
                    .add(request::Column::Cpf.in_subquery(of_anchor(Expr::col(request::Column::Cpf).into())))
                    .add(mailbox().in_subquery(of_anchor(mailbox())))
            }
        }
    }

    fn anchor(&self, session: Option<&str>) -> Option<(String, Scope)> {
        session.and_then(|value| self.sessions.anchor(value, Utc::now().timestamp()))
    }

    /// The request `number`, if the session may see it.
    pub async fn visible_request(
        &self,
        session: Option<&str>,
        number: &ProtocolNumber,
    ) -> Result<Option<request::Model>, DbErr> {
        let Some((anchor, scope)) = self.anchor(session) else { return Ok(None) };
        request::Entity::find()
            .filter(request::Column::Number.eq(number.as_str()))
            .filter(Self::scope_of(&anchor, scope))
            .one(&self.db)
            .await
    }

    /// The ids of every request the session may see (`None` without a session): what
    /// "Baixar meus dados" exports.
    pub async fn visible_ids(&self, session: Option<&str>) -> Result<Option<Vec<i32>>, DbErr> {
        let Some((anchor, scope)) = self.anchor(session) else { return Ok(None) };
        let ids = request::Entity::find()
            .select_only()
            .column(request::Column::Id)
            .filter(Self::scope_of(&anchor, scope))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(Some(ids))
    }

    /// From a session that covers one request: e-mails its person a link that opens all of
    /// their requests (it goes to the address that request was opened with). `false`
    /// without a session.
    pub async fn send_whole_list(&self, session: Option<&str>) -> Result<bool, DbErr> {
        let Some((anchor, _)) = self.anchor(session) else { return Ok(false) };
        let Some(row) = request::Entity::find().filter(request::Column::Number.eq(anchor)).one(&self.db).await? else {
            return Ok(false);
        };
        self.lookups.send_access_link(row);
        Ok(true)
    }

    /// One attachment of a request the session may see: its record, for the download.
    pub async fn visible_attachment(
        &self,
        session: Option<&str>,
        number: &ProtocolNumber,
        id: &str,
    ) -> Result<Option<AttachedFile>, DbErr> {
        let Some(request) = self.visible_request(session, number).await? else { return Ok(None) };
        let file = attachment::Entity::find_by_id(id.to_owned())
            .filter(attachment::Column::RequestId.eq(request.id))
            .one(&self.db)
            .await?;
        Ok(file.map(AttachedFile::from))
    }

    async fn list(&self, session: Option<&str>) -> Result<Option<RequestList>, DbErr> {
        let Some((anchor, scope)) = self.anchor(session) else { return Ok(None) };
        let rows: Vec<(String, String, String, DateTime<Utc>, String)> = request::Entity::find()
            .select_only()
            .column(request::Column::Number)
            .column(request::Column::Cpf)
            .column(request::Column::Status)
            .column(request::Column::CreatedAt)
            .column_as(Expr::col((system::Entity, system::Column::Name)), "system_name")
            .join(
                sea_orm::JoinType::InnerJoin,
                request::Entity::belongs_to(system::Entity)
                    .from(request::Column::SystemId)
                    .to(system::Column::Id)
                    .into(),
            )
            .filter(Self::scope_of(&anchor, scope))
            .order_by_desc(request::Column::CreatedAt)
            .order_by_desc(request::Column::Id)
            .limit(LIST_LIMIT)
            .into_tuple()
            .all(&self.db)
            .await?;
        let Some(cpf) = rows.first().and_then(|row| Cpf::parse(&row.1).ok()) else {
            // The anchor request is gone (anonymised): the session shows nothing.
            return Ok(None);
        };
        let requests = rows
            .into_iter()
            .map(|(number, _, status, created_at, system_name)| RequestSummary {
                number,
                system_name,
                status: Status::from_code(&status).unwrap_or(Status::Recebido),
                opened_on: brasilia_date_time(created_at)[..10].to_owned(),
            })
            .collect();
        Ok(Some(RequestList { masked_cpf: cpf.masked(), requests, whole: scope == Scope::Person }))
    }

    async fn load_history(&self, session: Option<&str>, number: &ProtocolNumber) -> Result<Option<History>, DbErr> {
        let Some(row) = self.visible_request(session, number).await? else { return Ok(None) };
        // One reading of the request, then its entries and files side by side; the
        // system's name and the limits come from this instance's copies.
        let events = request_event::Entity::find()
            .filter(request_event::Column::RequestId.eq(row.id))
            .filter(request_event::Column::Public.eq(true))
            .order_by_asc(request_event::Column::CreatedAt)
            .order_by_asc(request_event::Column::Id)
            .all(&self.db);
        let files = attachment::Entity::find()
            .filter(attachment::Column::RequestId.eq(row.id))
            .order_by_asc(attachment::Column::CreatedAt)
            .all(&self.db);
        let (events, files, reference) = tokio::try_join!(events, files, self.reference.get(&self.db))?;
        let system_name =
            reference.systems.iter().find(|s| s.id == row.system_id).map(|s| s.name.clone()).unwrap_or_default();
        let acronym = system_name.to_uppercase();
        let entries = events
            .into_iter()
            .filter_map(|event| {
                // Twice guarded: the `public` column and the kind itself.
                let kind = EventKind::from_code(&event.kind).filter(|k| k.is_public())?;
                Some(TimelineEntry {
                    kind,
                    title: format!("{} - {acronym} - Nível {:02}", kind.label(), event.level),
                    body: event.body,
                    created_at: brasilia_date_time(event.created_at),
                })
            })
            .collect();
        let attachments = files
            .into_iter()
            .map(|file| AttachmentLink {
                url: format!("/acompanhar/{}/anexos/{}", row.number, file.id),
                size: pt_br::size(u64::try_from(file.size_bytes).unwrap_or(0)),
                file_name: file.file_name,
            })
            .collect();
        let now = Utc::now();
        let standing = standing_of(&row, now);
        let answerable = if standing.awaits_answer() {
            Answerable::AwaitingAnswer
        } else if standing.may_rate() {
            Answerable::RatingOnly
        } else if standing.status == Status::Avaliado || standing.closed {
            Answerable::Final
        } else {
            Answerable::No
        };
        // While work is pending, the page offers "Complementar solicitação" with the limits in force.
        let complement = match standing.complement() {
            Ok(_) => Some(self.settings.current().await?.attachments),
            Err(_) => None,
        };
        let contest_until = (answerable == Answerable::AwaitingAnswer)
            .then_some(row.accept_due_at)
            .flatten()
            .map(|due| brasilia::date_of(due - chrono::Duration::seconds(1)))
            .map(pt_br::date);
        Ok(Some(History {
            number: row.number,
            system_name,
            status: standing.status,
            closed: standing.closed,
            answerable,
            contest_until,
            rating: row.rating.and_then(|r| u8::try_from(r).ok()).and_then(rating_label).map(str::to_owned),
            entries,
            attachments,
            complement,
        }))
    }

    /// Applies the citizen's answer to a finalized request, through the state machine,
    /// in one transaction with its timeline entry.
    pub async fn act(
        &self,
        session: Option<&str>,
        number: &ProtocolNumber,
        action: CitizenAction,
    ) -> Result<Status, Refusal> {
        // Fields first: nothing is read or locked for a malformed answer.
        let action = match action {
            CitizenAction::Contest { reason } => CitizenAction::Contest {
                reason: citizen_text::check_reason(&reason).map_err(|message| Refusal::invalid("motivo", message))?,
            },
            CitizenAction::Rate { score, comment } => {
                let score = score
                    .filter(|s| rating_label(*s).is_some())
                    .ok_or_else(|| Refusal::invalid("nota", "Escolha uma das cinco opções de avaliação."))?;
                let comment =
                    citizen_text::check_comment(&comment).map_err(|message| Refusal::invalid("comentario", message))?;
                CitizenAction::Rate { score: Some(score), comment: comment.unwrap_or_default() }
            }
            CitizenAction::Close => CitizenAction::Close,
        };
        let Some((anchor, scope)) = self.anchor(session) else { return Err(Refusal::NotFound) };
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let Some(row) = request::Entity::find()
            .filter(request::Column::Number.eq(number.as_str()))
            .filter(Self::scope_of(&anchor, scope))
            .one(&txn)
            .await?
        else {
            return Err(Refusal::NotFound);
        };
        let now = Utc::now();
        let standing = standing_of(&row, now);
        let mut update = request::Entity::update_many()
            .col_expr(request::Column::Version, Expr::value(row.version + 1))
            .col_expr(request::Column::UpdatedAt, Expr::value(now))
            .filter(request::Column::Id.eq(row.id))
            .filter(request::Column::Version.eq(row.version));
        let (next, kind, body) = match &action {
            CitizenAction::Contest { reason } => {
                let next = standing.contest()?;
                // Back to the queue of the level that finalized it; a new finalization
                // opens a new window.
                update = update.col_expr(request::Column::AcceptDueAt, Expr::value(Option::<DateTime<Utc>>::None));
                (next, EventKind::Reopening, reason.clone())
            }
            CitizenAction::Rate { score, comment } => {
                let next = standing.rate()?;
                let score = score.unwrap_or(0);
                update = update.col_expr(request::Column::Rating, Expr::value(i16::from(score))).col_expr(
                    request::Column::RatingComment,
                    Expr::value((!comment.is_empty()).then(|| comment.clone())),
                );
                let label = rating_label(score).unwrap_or_default();
                let body = if comment.is_empty() { label.to_owned() } else { format!("{label}\n\n{comment}") };
                (next, EventKind::Evaluation, body)
            }
            CitizenAction::Close => {
                let next = standing.close()?;
                update = update.col_expr(request::Column::ClosedAt, Expr::value(now));
                (next, EventKind::Closing, "Solicitação encerrada pelo cidadão.".to_owned())
            }
        };
        let updated =
            update.col_expr(request::Column::Status, Expr::value(next.status.code())).exec(&txn).await?.rows_affected;
        if updated != 1 {
            return Err(Refusal::Conflict);
        }
        request_event::ActiveModel {
            request_id: Set(row.id),
            kind: Set(kind.code().to_owned()),
            level: Set(row.level),
            body: Set(body),
            public: Set(true),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        tracing::info!(request = row.id, action = kind.code(), "citizen answered a finalized request");
        Ok(next.status)
    }
}

#[async_trait]
impl FollowDesk for FollowService {
    async fn lookup(
        &self,
        cpf: &str,
        number: &str,
        captcha: &str,
        client: Option<IpAddr>,
    ) -> Result<LookupAnswer, AppError> {
        self.lookups.look_up(cpf, number, captcha, client).await.map_err(refuse("look up a request"))
    }

    async fn my_requests(&self, session: Option<&str>) -> Result<Option<RequestList>, AppError> {
        self.list(session).await.map_err(refuse("list a CPF's requests"))
    }

    async fn history(&self, session: Option<&str>, number: &ProtocolNumber) -> Result<Option<History>, AppError> {
        self.load_history(session, number).await.map_err(refuse("load a request's history"))
    }
}
