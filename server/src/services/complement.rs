//! "Complementar solicitação": the citizen adds text and images to a request that is
//! still being worked on (Recebido, Em análise, Reaberto), usually what an agent asked
//! for. Only from a follow-up session that may see the request; the text and the images
//! follow the request form's rules. It is written as the citizen's timeline entry with
//! its files in one transaction, and the request's "updated" time becomes now, which puts
//! it back at the top of its queue. Limited per address and per request.

use super::follow_up::{standing_of, FollowService};
use super::settings;
use crate::attachments::intake::{check_uploads, put_files, StoredAttachment};
use crate::attachments::store::AttachmentStore;
use crate::attachments::Upload;
use crate::db::entities::{attachment, request, request_event};
use crate::db::WriteGate;
use crate::rate_limit::{LimitStore, Limiter};
use crate::refusal::Refusal;
use app::api::follow::{COMPLEMENT_FILES, COMPLEMENT_TEXT};
use app::domain::citizen_text::check_complement;
use app::domain::lifecycle::EventKind;
use app::domain::protocol::ProtocolNumber;
use app::domain::settings::AttachmentLimits;
use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, Set, TransactionTrait,
};
use std::net::IpAddr;
use std::sync::Arc;

/// Complements one request may receive in 24 hours: enough for a conversation, not a flood.
pub const PER_REQUEST_PER_DAY: u64 = 10;
/// Complements one address may send in an hour (to all the requests it can see).
pub const PER_ADDRESS_PER_HOUR: u32 = 30;

const REQUEST_LIMIT: &str = "Esta solicitação já recebeu o número máximo de complementos nas últimas 24 horas. \
                             Aguarde a resposta da equipe de atendimento.";
const ADDRESS_LIMIT: &str = "Muitos complementos enviados a partir desta rede. Aguarde uma hora e tente novamente.";

/// What the form carried.
pub struct Complement {
    pub text: String,
    pub uploads: Vec<Upload>,
}

pub struct ComplementService {
    db: DatabaseConnection,
    gate: WriteGate,
    follow: Arc<FollowService>,
    attachments: Arc<dyn AttachmentStore>,
    per_ip: Limiter,
}

impl ComplementService {
    pub fn new(
        db: DatabaseConnection,
        gate: WriteGate,
        follow: Arc<FollowService>,
        attachments: Arc<dyn AttachmentStore>,
        limit_store: &LimitStore,
    ) -> ComplementService {
        let per_ip = limit_store.limiter("complemento", PER_ADDRESS_PER_HOUR, std::time::Duration::from_secs(3_600));
        ComplementService { db, gate, follow, attachments, per_ip }
    }

    /// The attachment limits in force (the handler caps the body with them).
    pub async fn limits(&self) -> Result<AttachmentLimits, DbErr> {
        Ok(settings::load(&self.db).await?.attachments)
    }

    /// Adds `complement` to request `number`, if the session may see it and it is still
    /// being worked on; or says why not. Checks run cheapest first: the images are decoded
    /// only for an otherwise acceptable complement.
    pub async fn complement(
        &self,
        session: Option<&str>,
        number: &ProtocolNumber,
        complement: Complement,
        client: IpAddr,
    ) -> Result<(), Refusal> {
        if !self.per_ip.allow_address(client).await? {
            tracing::info!(%client, "complement: per-address limit reached");
            return Err(Refusal::Limited(ADDRESS_LIMIT.to_owned()));
        }
        let Some(row) = self.follow.visible_request(session, number).await? else { return Err(Refusal::NotFound) };
        standing_of(&row, Utc::now()).complement()?;
        let text = check_complement(&complement.text).map_err(|message| Refusal::invalid(COMPLEMENT_TEXT, message))?;
        let since = Utc::now() - Duration::hours(24);
        let sent = request_event::Entity::find()
            .filter(request_event::Column::RequestId.eq(row.id))
            .filter(request_event::Column::Kind.eq(EventKind::Complement.code()))
            .filter(request_event::Column::CreatedAt.gt(since))
            .count(&self.db)
            .await?;
        if sent >= PER_REQUEST_PER_DAY {
            tracing::info!(request = row.id, "complement: per-request limit reached");
            return Err(Refusal::Limited(REQUEST_LIMIT.to_owned()));
        }
        let limits = self.limits().await?;
        let images = check_uploads(complement.uploads, limits)
            .await
            .map_err(|message| Refusal::invalid(COMPLEMENT_FILES, message))?;
        let files = put_files(self.attachments.as_ref(), images)
            .await
            .map_err(Refusal::logged("storing the files of a complement"))?;
        match self.write(row.id, text, &files).await {
            Ok(()) => {
                tracing::info!(request = row.id, files = files.len(), "citizen complemented a request");
                Ok(())
            }
            Err(refused) => {
                for file in &files {
                    let _ = self.attachments.delete(&file.id).await;
                }
                Err(refused)
            }
        }
    }

    /// The entry, its files and the request's new version and time, in one transaction,
    /// checked against the request as it stands at that moment.
    async fn write(&self, request_id: i32, text: String, files: &[StoredAttachment]) -> Result<(), Refusal> {
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let now = Utc::now();
        let Some(row) = request::Entity::find_by_id(request_id).one(&txn).await? else {
            return Err(Refusal::NotFound);
        };
        // Finalized meanwhile: the citizen answers the finalization instead.
        standing_of(&row, now).complement()?;
        let moved = request::Entity::update_many()
            .col_expr(request::Column::Version, Expr::value(row.version + 1))
            .col_expr(request::Column::UpdatedAt, Expr::value(now))
            .filter(request::Column::Id.eq(row.id))
            .filter(request::Column::Version.eq(row.version))
            .exec(&txn)
            .await?;
        if moved.rows_affected != 1 {
            return Err(Refusal::Conflict);
        }
        request_event::Entity::insert(request_event::ActiveModel {
            request_id: Set(row.id),
            kind: Set(EventKind::Complement.code().to_owned()),
            level: Set(row.level),
            body: Set(text),
            public: Set(true),
            created_at: Set(now),
            agent_id: Set(None),
            ..Default::default()
        })
        .exec_without_returning(&txn)
        .await?;
        if !files.is_empty() {
            let rows = files.iter().map(|file| file.record(row.id, now));
            attachment::Entity::insert_many(rows).exec_without_returning(&txn).await?;
        }
        txn.commit().await?;
        Ok(())
    }
}
