//! A person's data, exported: what the portal holds about the requests of one CPF (for
//! the team to hand over, art. 18 II of the LGPD) or of a citizen's follow-up session
//! (their own copy). One JSON document for machines, one HTML page for people, and for
//! the team a ZIP with both and the attached images.

use crate::attachments::store::AttachmentStore;
use crate::db::entities::{attachment, audit_entry, funcionalidade, outbox_message, request, request_event, system};
use app::domain::brasilia::date_time;
use app::domain::lifecycle::{rating_label, EventKind, Status};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;

/// Who reads the export: the team gets internal notes, e-mails and the audit trail too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Team,
    Citizen,
}

#[derive(Debug, Serialize)]
pub struct Export {
    pub gerado_em: String,
    pub solicitacoes: Vec<RequestData>,
    /// Who saw or changed these requests' data (the team's export only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub auditoria: Vec<AuditData>,
}

#[derive(Debug, Serialize)]
pub struct RequestData {
    pub numero: String,
    pub sistema: String,
    pub funcionalidade: String,
    pub situacao: String,
    pub nivel: i16,
    pub uf: String,
    pub nome: String,
    pub email: String,
    pub cpf: String,
    pub cns: Option<String>,
    pub telefone: String,
    pub descricao: String,
    pub aberta_em: String,
    pub ultima_movimentacao: String,
    pub avaliacao: Option<String>,
    pub comentario_da_avaliacao: Option<String>,
    pub historico: Vec<EntryData>,
    pub anexos: Vec<FileData>,
    /// E-mails the portal sent about it (the team's export only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<MailData>,
}

#[derive(Debug, Serialize)]
pub struct EntryData {
    pub tipo: String,
    pub em: String,
    pub texto: String,
    pub visivel_ao_cidadao: bool,
}

#[derive(Debug, Serialize)]
pub struct FileData {
    pub nome: String,
    pub tipo: String,
    pub bytes: i64,
    /// Its path inside the ZIP.
    pub arquivo: String,
    #[serde(skip)]
    pub stored_id: String,
}

#[derive(Debug, Serialize)]
pub struct MailData {
    pub assunto: String,
    pub para: String,
    pub criado_em: String,
    pub enviado_em: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AuditData {
    pub em: String,
    pub acao: String,
    pub solicitacao: Option<String>,
    pub detalhe: String,
    pub endereco: Option<String>,
}

/// Everything about `rows` that `reader` may have.
pub async fn collect(db: &impl ConnectionTrait, rows: Vec<request::Model>, reader: Reader) -> Result<Export, DbErr> {
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let systems: HashMap<i32, String> =
        system::Entity::find().all(db).await?.into_iter().map(|s| (s.id, s.name)).collect();
    let funcionalidades: HashMap<i32, String> =
        funcionalidade::Entity::find().all(db).await?.into_iter().map(|f| (f.id, f.name)).collect();
    let mut events = request_event::Entity::find()
        .filter(request_event::Column::RequestId.is_in(ids.iter().copied()))
        .order_by_asc(request_event::Column::Id)
        .all(db)
        .await?;
    if reader == Reader::Citizen {
        events.retain(|e| e.public);
    }
    let files = attachment::Entity::find()
        .filter(attachment::Column::RequestId.is_in(ids.iter().copied()))
        .order_by_asc(attachment::Column::CreatedAt)
        .all(db)
        .await?;
    let mails = if reader == Reader::Team {
        outbox_message::Entity::find()
            .filter(outbox_message::Column::RequestId.is_in(ids.iter().copied()))
            .order_by_asc(outbox_message::Column::Id)
            .all(db)
            .await?
    } else {
        Vec::new()
    };
    let numbers: HashMap<i32, String> = rows.iter().map(|r| (r.id, r.number.clone())).collect();
    let auditoria = if reader == Reader::Team {
        audit_entry::Entity::find()
            .filter(audit_entry::Column::RequestId.is_in(ids.iter().copied()))
            .order_by_asc(audit_entry::Column::Id)
            .all(db)
            .await?
            .into_iter()
            .map(|a| AuditData {
                em: date_time(a.at),
                acao: a.action,
                solicitacao: a.request_id.and_then(|id| numbers.get(&id).cloned()),
                detalhe: a.detail,
                endereco: a.ip,
            })
            .collect()
    } else {
        Vec::new()
    };
    let solicitacoes = rows
        .into_iter()
        .map(|row| RequestData {
            sistema: systems.get(&row.system_id).cloned().unwrap_or_default(),
            funcionalidade: funcionalidades.get(&row.funcionalidade_id).cloned().unwrap_or_default(),
            situacao: Status::from_code(&row.status).map(|s| s.label().to_owned()).unwrap_or(row.status.clone()),
            nivel: row.level,
            uf: row.uf.clone(),
            nome: row.name.clone(),
            email: row.email.clone(),
            cpf: row.cpf.clone(),
            cns: row.cns.clone(),
            telefone: row.phone.clone(),
            descricao: row.description.clone(),
            aberta_em: date_time(row.created_at),
            ultima_movimentacao: date_time(row.updated_at),
            avaliacao: row.rating.and_then(|r| u8::try_from(r).ok()).and_then(rating_label).map(str::to_owned),
            comentario_da_avaliacao: row.rating_comment.clone(),
            historico: events
                .iter()
                .filter(|e| e.request_id == row.id)
                .map(|e| EntryData {
                    tipo: EventKind::from_code(&e.kind).map(|k| k.label().to_owned()).unwrap_or(e.kind.clone()),
                    em: date_time(e.created_at),
                    texto: e.body.clone(),
                    visivel_ao_cidadao: e.public,
                })
                .collect(),
            anexos: files
                .iter()
                .filter(|f| f.request_id == row.id)
                .enumerate()
                .map(|(i, f)| FileData {
                    nome: f.file_name.clone(),
                    tipo: f.content_type.clone(),
                    bytes: f.size_bytes,
                    arquivo: format!("anexos/{}/{}-{}", row.number, i + 1, safe_name(&f.file_name)),
                    stored_id: f.id.clone(),
                })
                .collect(),
            emails: mails
                .iter()
                .filter(|m| m.request_id == Some(row.id))
                .map(|m| MailData {
                    assunto: m.subject.clone(),
                    para: m.mail_to.clone(),
                    criado_em: date_time(m.created_at),
                    enviado_em: m.sent_at.map(date_time),
                })
                .collect(),
            numero: row.number,
        })
        .collect();
    Ok(Export { gerado_em: date_time(chrono::Utc::now()), solicitacoes, auditoria })
}

/// A file name as a ZIP entry: letters, digits, `.`, `-` and `_` only.
fn safe_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The export as a page a person reads (or prints).
pub fn html(export: &Export) -> String {
    let mut page = String::from(
        "<!DOCTYPE html>\n<html lang=\"pt-BR\"><head><meta charset=\"utf-8\">\
         <title>Dados pessoais – WEB Atendimento SUS</title>\
         <style>body{font-family:sans-serif;max-width:50rem;margin:2rem auto;line-height:1.5}\
         dt{font-weight:bold}table{border-collapse:collapse}td,th{border:1px solid #888;padding:.25rem .5rem}</style>\
         </head><body>\n<h1>Dados pessoais no WEB Atendimento SUS</h1>\n",
    );
    page.push_str(&format!("<p>Gerado em {}.</p>\n", escape(&export.gerado_em)));
    if export.solicitacoes.is_empty() {
        page.push_str("<p>Nenhuma solicitação encontrada.</p>\n");
    }
    for r in &export.solicitacoes {
        page.push_str(&format!("<h2>Solicitação nº {}</h2>\n<dl>\n", escape(&r.numero)));
        let facts = [
            ("Sistema", r.sistema.clone()),
            ("Funcionalidade", r.funcionalidade.clone()),
            ("Situação", r.situacao.clone()),
            ("Nível", format!("{:02}", r.nivel)),
            ("UF", r.uf.clone()),
            ("Nome", r.nome.clone()),
            ("E-mail", r.email.clone()),
            ("CPF", r.cpf.clone()),
            ("CNS", r.cns.clone().unwrap_or_else(|| "—".to_owned())),
            ("Telefone", r.telefone.clone()),
            ("Aberta em", r.aberta_em.clone()),
            ("Última movimentação", r.ultima_movimentacao.clone()),
            ("Avaliação", r.avaliacao.clone().unwrap_or_else(|| "—".to_owned())),
            ("Descrição", r.descricao.clone()),
        ];
        for (term, value) in facts {
            page.push_str(&format!("<dt>{term}</dt><dd>{}</dd>\n", escape(&value)));
        }
        page.push_str("</dl>\n<h3>Histórico</h3>\n<ol>\n");
        for e in &r.historico {
            let who = if e.visivel_ao_cidadao { "" } else { " (nota interna)" };
            page.push_str(&format!(
                "<li><strong>{}</strong>{who}, {}: {}</li>\n",
                escape(&e.tipo),
                escape(&e.em),
                escape(&e.texto)
            ));
        }
        page.push_str("</ol>\n");
        if !r.anexos.is_empty() {
            page.push_str("<h3>Anexos</h3>\n<ul>\n");
            for f in &r.anexos {
                page.push_str(&format!("<li>{} ({} bytes)</li>\n", escape(&f.nome), f.bytes));
            }
            page.push_str("</ul>\n");
        }
    }
    if !export.auditoria.is_empty() {
        page.push_str(
            "<h2>Quem acessou ou alterou estes dados</h2>\n\
             <table><tr><th>Quando</th><th>Ação</th><th>Solicitação</th><th>Detalhe</th></tr>\n",
        );
        for a in &export.auditoria {
            page.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                escape(&a.em),
                escape(&a.acao),
                escape(a.solicitacao.as_deref().unwrap_or("—")),
                escape(&a.detalhe)
            ));
        }
        page.push_str("</table>\n");
    }
    page.push_str("</body></html>\n");
    page
}

/// The export as JSON (indented: people open it too).
pub fn json(export: &Export) -> Vec<u8> {
    serde_json::to_vec_pretty(export).unwrap_or_default()
}

/// The team's ZIP: `dados.json`, `dados.html` and the attachments.
pub async fn zip(export: &Export, store: &dyn AttachmentStore) -> std::io::Result<Vec<u8>> {
    let mut files = Vec::new();
    for file in export.solicitacoes.iter().flat_map(|r| r.anexos.iter()) {
        match store.get(&file.stored_id).await {
            Ok(bytes) => files.push((file.arquivo.clone(), bytes)),
            Err(error) => {
                tracing::warn!(attachment = %file.stored_id, error = %error, "an exported file could not be read")
            }
        }
    }
    let (json, html) = (json(export), html(export));
    tokio::task::spawn_blocking(move || {
        let to_io = |e: zip::result::ZipError| std::io::Error::other(e.to_string());
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        // Images are compressed already.
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("dados.json", deflated).map_err(to_io)?;
        zip.write_all(&json)?;
        zip.start_file("dados.html", deflated).map_err(to_io)?;
        zip.write_all(html.as_bytes())?;
        for (name, bytes) in files {
            zip.start_file(name, stored).map_err(to_io)?;
            zip.write_all(&bytes)?;
        }
        Ok(zip.finish().map_err(to_io)?.into_inner())
    })
    .await
    .map_err(|e| std::io::Error::other(e.to_string()))?
}
