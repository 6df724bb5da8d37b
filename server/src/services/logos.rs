//! Systems' logos uploaded at `/admin/sistemas/{slug}`: checked like the citizens'
//! attachments (the bytes decide, the image must decode), scaled down and encoded again as
//! PNG, kept in the database and served at `/logotipos/{slug}-{digest}.png`. A new upload
//! gets a new address, so browsers may keep a logo for a year and never show a stale one.

use super::admin::AdminService;
use super::agents::Principal;
use super::audit::{self, action, Actor};
use crate::attachments::image_check::{self, ImageError};
use crate::db::entities::{system, system_logo};
use crate::db::WriteGate;
use crate::refusal::Refusal;
use app::api::AppError;
use chrono::Utc;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set, TransactionTrait};
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The upload form's file field, where its refusals are shown.
pub const FILE_FIELD: &str = "logotipo";

/// Largest upload accepted (the stored logo is much smaller).
pub const MAX_UPLOAD_BYTES: usize = 2 * 1024 * 1024;
/// Side of the square the logo is fitted into: the pages show it at 96 px, twice that
/// for high-density screens, with room to spare.
const SIDE: u32 = 256;
/// Where logos are served.
pub const URL_PREFIX: &str = "/logotipos/";
/// Hex characters of the digest in the address.
const DIGEST_CHARS: usize = 16;

/// The address of a stored logo.
fn url_of(slug: &str, digest: &str) -> String {
    format!("{URL_PREFIX}{slug}-{digest}.png")
}

/// Splits `cnes-0123456789abcdef.png` into the slug and the digest.
fn parse_file_name(file: &str) -> Option<(&str, &str)> {
    let stem = file.strip_suffix(".png")?;
    let (slug, digest) = stem.rsplit_once('-')?;
    let hex = digest.len() == DIGEST_CHARS && digest.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    (hex && app::domain::slug::is_valid(slug)).then_some((slug, digest))
}

pub struct LogoService {
    db: DatabaseConnection,
    gate: WriteGate,
    admin: Arc<AdminService>,
}

impl LogoService {
    pub fn new(db: DatabaseConnection, gate: WriteGate, admin: Arc<AdminService>) -> LogoService {
        LogoService { db, gate, admin }
    }

    pub async fn administrator(&self, session: Option<&str>) -> Result<Principal, AppError> {
        self.admin.administrator(session).await
    }

    /// Cleans `upload` and makes it the system's logo; the old one is replaced.
    pub async fn upload(
        &self,
        by: &Principal,
        slug: &str,
        file_name: &str,
        upload: Vec<u8>,
        client: Option<String>,
    ) -> Result<(), Refusal> {
        if upload.is_empty() {
            return Err(Refusal::invalid(FILE_FIELD, "Escolha uma imagem jpg, jpeg, gif ou png."));
        }
        // Decoding is CPU and memory work: off the threads that serve other requests, and
        // counted with the citizens' decodes.
        let Ok(_permit) = image_check::DECODES.acquire().await else {
            return Err(Refusal::invalid(FILE_FIELD, "A imagem não pôde ser verificada agora. Tente novamente."));
        };
        let cleaned = tokio::task::spawn_blocking(move || image_check::logo_png(&upload, SIDE)).await;
        let png = match cleaned {
            Ok(Ok(png)) => png,
            Ok(Err(error)) => return Err(Refusal::invalid(FILE_FIELD, error.refusal(file_name))),
            Err(_) => return Err(Refusal::invalid(FILE_FIELD, ImageError::Corrupt.refusal(file_name))),
        };
        let digest = hex::encode(Sha256::digest(&png));
        let digest = digest.get(..DIGEST_CHARS).unwrap_or(&digest).to_owned();
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let sys = system::Entity::find().filter(system::Column::Slug.eq(slug)).one(&txn).await?;
        let sys = sys.ok_or(Refusal::NotFound)?;
        let size = png.len();
        system_logo::Entity::insert(system_logo::ActiveModel {
            system_id: Set(sys.id),
            content_type: Set("image/png".to_owned()),
            bytes: Set(png),
            digest: Set(digest.clone()),
            updated_at: Set(now),
        })
        .on_conflict(
            OnConflict::column(system_logo::Column::SystemId)
                .update_columns([
                    system_logo::Column::ContentType,
                    system_logo::Column::Bytes,
                    system_logo::Column::Digest,
                    system_logo::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await?;
        system::Entity::update_many()
            .col_expr(system::Column::LogoPath, Expr::value(url_of(&sys.slug, &digest)))
            .filter(system::Column::Id.eq(sys.id))
            .exec(&txn)
            .await?;
        let actor = Actor { agent_id: Some(by.id), ip: client };
        let detail = format!("{}: novo logotipo ({size} bytes)", sys.slug);
        audit::record(&txn, &actor, action::CATALOG, None, &detail, now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The system shows no logo from now on.
    pub async fn remove(&self, by: &Principal, slug: &str, client: Option<String>) -> Result<(), Refusal> {
        let now = Utc::now();
        let _turn = self.gate.enter().await;
        let txn = self.db.begin().await?;
        let sys = system::Entity::find().filter(system::Column::Slug.eq(slug)).one(&txn).await?;
        let sys = sys.ok_or(Refusal::NotFound)?;
        system_logo::Entity::delete_by_id(sys.id).exec(&txn).await?;
        system::Entity::update_many()
            .col_expr(system::Column::LogoPath, Expr::value(Option::<String>::None))
            .filter(system::Column::Id.eq(sys.id))
            .exec(&txn)
            .await?;
        let actor = Actor { agent_id: Some(by.id), ip: client };
        audit::record(&txn, &actor, action::CATALOG, None, &format!("{}: logotipo removido", sys.slug), now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The PNG behind a logo address, if it is the system's current logo.
    pub async fn file(&self, file: &str) -> Result<Option<Vec<u8>>, DbErr> {
        let Some((slug, digest)) = parse_file_name(file) else { return Ok(None) };
        let Some(sys) = system::Entity::find().filter(system::Column::Slug.eq(slug)).one(&self.db).await? else {
            return Ok(None);
        };
        let logo = system_logo::Entity::find_by_id(sys.id).one(&self.db).await?;
        Ok(logo.filter(|logo| logo.digest == digest).map(|logo| logo.bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_logo_addresses_are_looked_up() {
        assert_eq!(parse_file_name("cnes-0123456789abcdef.png"), Some(("cnes", "0123456789abcdef")));
        assert_eq!(parse_file_name("e-sus-0123456789abcdef.png"), Some(("e-sus", "0123456789abcdef")));
        assert_eq!(parse_file_name("cnes-0123456789ABCDEF.png"), None);
        assert_eq!(parse_file_name("cnes-0123.png"), None);
        assert_eq!(parse_file_name("cnes-0123456789abcdef.svg"), None);
        assert_eq!(parse_file_name("../x-0123456789abcdef.png"), None);
        assert_eq!(url_of("cnes", "0123456789abcdef"), "/logotipos/cnes-0123456789abcdef.png");
    }
}
