//! First-start data: the systems the portal launches with, their FAQ and their
//! "funcionalidades". Idempotent: a system whose slug exists is left untouched, so
//! running it again (every start does) changes nothing, and what an administrator
//! edited or removed inside a seeded system is never put back.

mod data;

use crate::db::entities::{canned_reply, faq_entry, funcionalidade, system};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, TransactionTrait};

pub use data::SEED_SYSTEMS;

/// A system as the seed describes it.
#[derive(Debug)]
pub struct SeedSystem {
    pub slug: &'static str,
    pub name: &'static str,
    pub full_name: &'static str,
    pub description: &'static str,
    pub logo_path: &'static str,
    /// (question, answer in Markdown), in display order.
    pub faq: &'static [(&'static str, &'static str)],
    /// Options of the request form's "Funcionalidade" select; "Outros assuntos" last.
    pub funcionalidades: &'static [&'static str],
    /// The agents' canned replies: (title, text).
    pub canned: &'static [(&'static str, &'static str)],
}

/// What one run created.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub systems_created: usize,
}

/// Inserts the seed systems that do not exist yet, all in one transaction.
pub async fn run<C: ConnectionTrait + TransactionTrait>(db: &C) -> Result<SeedReport, DbErr> {
    let txn = db.begin().await?;
    let mut report = SeedReport::default();
    let now = chrono::Utc::now();
    for (index, seed) in SEED_SYSTEMS.iter().enumerate() {
        let exists = system::Entity::find().filter(system::Column::Slug.eq(seed.slug)).one(&txn).await?.is_some();
        if exists {
            continue;
        }
        let created = system::ActiveModel {
            slug: Set(seed.slug.to_owned()),
            name: Set(seed.name.to_owned()),
            full_name: Set(seed.full_name.to_owned()),
            description: Set(seed.description.to_owned()),
            logo_path: Set(Some(seed.logo_path.to_owned())),
            active: Set(true),
            position: Set(i32::try_from(index).unwrap_or(i32::MAX)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for (position, (question, answer)) in seed.faq.iter().enumerate() {
            faq_entry::ActiveModel {
                system_id: Set(created.id),
                question: Set((*question).to_owned()),
                answer_md: Set((*answer).to_owned()),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                published: Set(true),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        for (position, name) in seed.funcionalidades.iter().enumerate() {
            funcionalidade::ActiveModel {
                system_id: Set(created.id),
                name: Set((*name).to_owned()),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                active: Set(true),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        for (title, body) in seed.canned {
            canned_reply::ActiveModel {
                system_id: Set(created.id),
                title: Set((*title).to_owned()),
                body: Set((*body).to_owned()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        report.systems_created += 1;
        tracing::info!(system = seed.slug, "seeded system");
    }
    txn.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_system_ends_its_funcionalidades_with_outros_assuntos() {
        for s in SEED_SYSTEMS {
            assert_eq!(s.funcionalidades.last(), Some(&"Outros assuntos"), "{}", s.slug);
            assert!(app::domain::slug::is_valid(s.slug), "{}", s.slug);
            assert!(!s.faq.is_empty(), "{}", s.slug);
        }
    }

    #[test]
    fn cnes_carries_the_real_questions_and_options() {
        let cnes = SEED_SYSTEMS.iter().find(|s| s.slug == "cnes");
        let Some(cnes) = cnes else { panic!("no CNES seed") };
        let questions: Vec<_> = cnes.faq.iter().map(|(q, _)| *q).collect();
        assert_eq!(
            questions,
            [
                "O que é o CNES?",
                "Como cadastrar um usuário",
                "Como cadastrar um estabelecimento de saúde",
                "Como desbloquear um usuário",
                "O que é o CNES Autocadastro",
                "Como consultar o sumário de cargas?",
                "Qual a diferença do SCNES completo para o simplificado?",
                "O que é o ElastiCNES?",
                "Como instalar o SCNES?",
            ]
        );
        assert_eq!(
            cnes.funcionalidades,
            [
                "Cadastro de usuário",
                "Gerar CNES",
                "Inconsistência cadastral",
                "Reabertura de transmissor",
                "Transmissão de dados",
                "Outros assuntos"
            ]
        );
    }
}
