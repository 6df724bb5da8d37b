//! The public notices (privacy notice, accessibility statement): read for their pages,
//! edited by administrators (each save audited, with the old and new lengths). The
//! Markdown is rendered by `markdown`, the one place that decides what HTML may come out.

use super::admin::AdminService;
use super::agents::Principal;
use super::audit::{self, action, Actor};
use super::refuse;
use crate::db::entities::public_notice;
use crate::db::WriteGate;
use crate::markdown;
use crate::refusal::Refusal;
use app::api::notices::{NoticePage, NoticeText, NoticesPage};
use app::api::AppError;
use app::domain::brasilia;
use app::domain::notices::{check_text, Notice};
use app::domain::pt_br;
use app::ports::NoticeDesk;
use async_trait::async_trait;
use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Set, TransactionTrait};
use std::sync::Arc;

pub struct NoticeService {
    db: DatabaseConnection,
    gate: WriteGate,
    admin: Arc<AdminService>,
}

/// A notice as stored, or its default text.
async fn load(db: &impl ConnectionTrait, notice: Notice) -> Result<NoticeText, DbErr> {
    let row = public_notice::Entity::find_by_id(notice.value().to_owned()).one(db).await?;
    Ok(match row {
        Some(row) => NoticeText {
            notice,
            markdown: row.body_md,
            default: false,
            updated_on: Some(pt_br::date(brasilia::date_of(row.updated_at))),
        },
        None => NoticeText { notice, markdown: notice.default_text().to_owned(), default: true, updated_on: None },
    })
}

impl NoticeService {
    pub fn new(db: DatabaseConnection, gate: WriteGate, admin: Arc<AdminService>) -> NoticeService {
        NoticeService { db, gate, admin }
    }

    /// Saves `notice`'s new text, with a line in the audit log.
    pub async fn save(
        &self,
        by: &Principal,
        notice: Notice,
        text: &str,
        client: Option<String>,
    ) -> Result<(), Refusal> {
        let text = check_text(text).map_err(|message| Refusal::invalid("texto", message))?;
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let old = load(&txn, notice).await?;
        let row = public_notice::ActiveModel {
            slug: Set(notice.value().to_owned()),
            body_md: Set(text.clone()),
            updated_at: Set(now),
        };
        public_notice::Entity::insert(row)
            .on_conflict(
                OnConflict::column(public_notice::Column::Slug)
                    .update_columns([public_notice::Column::BodyMd, public_notice::Column::UpdatedAt])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
        let detail =
            format!("{}: {} → {} caracteres", notice.title(), old.markdown.chars().count(), text.chars().count());
        audit::record(&txn, &Actor { agent_id: Some(by.id), ip: client }, action::NOTICE, None, &detail, now).await?;
        txn.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl NoticeDesk for NoticeService {
    async fn notice(&self, notice: Notice) -> Result<NoticePage, AppError> {
        let text = load(&self.db, notice).await.map_err(refuse("loading a public notice"))?;
        let retention = if notice == Notice::Privacy {
            let settings = super::settings::load(&self.db).await.map_err(refuse("loading the retention periods"))?;
            Some(settings.retention.notice())
        } else {
            None
        };
        Ok(NoticePage { notice, html: markdown::render(&text.markdown).html, updated_on: text.updated_on, retention })
    }

    async fn notices(&self, session: Option<&str>) -> Result<NoticesPage, AppError> {
        let admin = self.admin.administrator(session).await?;
        let mut notices = Vec::with_capacity(Notice::ALL.len());
        for &notice in Notice::ALL {
            notices.push(load(&self.db, notice).await.map_err(refuse("loading the public notices"))?);
        }
        Ok(NoticesPage { admin: admin.view(), notices })
    }
}
