//! The library desk's pages: the operator's list of the works they helped with, the printable
//! receipt with its QR code, the claim pages a person follows their work on, and the admins'
//! desks. The desk's submission form is the submit form's (`submit::desk_form`).

use super::privacy::PrivacyText;
use crate::http::error::AppError;
use crate::http::frame::{page, render, Frame, PageResult};
use crate::http::links;
use crate::http::viewer::{ClientAddr, Viewer};
use crate::http::views::{cards, WorkView};
use crate::domain::{ClaimCode, Status};
use crate::service::desks;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

/// Seconds between reloads of a receipt whose work is still being processed, so that its
/// privacy receipt appears before it is printed.
const RECEIPT_REFRESH_S: u32 = 5;

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    frame: Frame,
    desk_name: String,
    works: Vec<WorkView>,
}

/// The operator's desk: a link to the form, and the works they helped with.
pub async fn home(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    if viewer.user.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, async {
        let desk = desks::desk_of(&state, viewer.actor()).await?;
        let works = cards(desks::helped(&state, viewer.actor()).await?);
        render(DeskPage { frame: Frame::new(&viewer), desk_name: desk.name, works })
    })
    .await
}

#[derive(Template)]
#[template(path = "desk_receipt.html")]
struct ReceiptPage {
    frame: Frame,
    work: WorkView,
    desk_name: String,
    sent_on: String,
    code: String,
    follow_url: String,
    privacy: Option<PrivacyText>,
}

/// The follow-up address of a code: absolute when the site's address is known.
fn follow_url(state: &AppState, headers: &HeaderMap, code: &ClaimCode) -> String {
    let path = format!("/claim/{}", code.as_str());
    links::mail_base(state, headers).map_or(path.clone(), |base| format!("{base}{path}"))
}

/// The receipt the person takes home: one printed page.
pub async fn receipt(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap, Path(id): Path<String>) -> PageResult {
    if viewer.user.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, async {
        let found = desks::receipt(&state, viewer.actor(), &id).await?;
        let work = WorkView::new(found.work, &[]);
        let mut frame = Frame::new(&viewer);
        if work.status == Status::Processing.as_str() {
            frame.refresh_after_s = Some(RECEIPT_REFRESH_S);
        }
        let privacy = PrivacyText::of(&work, viewer.lang);
        let sent_on = crate::local_time::day(crate::clock::parse_rfc3339_ms(&work.created_at).unwrap_or_default());
        render(ReceiptPage {
            frame,
            desk_name: found.desk.name,
            sent_on,
            code: found.code.grouped(),
            follow_url: follow_url(&state, &headers, &found.code),
            privacy,
            work,
        })
    })
    .await
}

/// The receipt's QR code: the follow-up address, as a PNG (drawn on the request pool).
pub async fn qr(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap, Path(id): Path<String>) -> Result<impl IntoResponse, AppError> {
    let found = desks::receipt(&state, viewer.actor(), &id).await?;
    let url = follow_url(&state, &headers, &found.code);
    let png = state.request_pool.run(move || qr_png(&url)).await.map_err(|e| AppError::Internal(anyhow::anyhow!("drawing a QR code: {e:?}")))??;
    Ok(([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "private, no-store")], png))
}

/// A QR code of `text`, eight pixels a module with its quiet zone, as a PNG.
fn qr_png(text: &str) -> Result<Vec<u8>, AppError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("QR code of {} bytes: {e}", text.len())))?;
    let img = code.render::<image::Luma<u8>>().module_dimensions(8, 8).quiet_zone(true).build();
    let mut png = Vec::new();
    image::DynamicImage::ImageLuma8(img)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("PNG of a QR code: {e}")))?;
    Ok(png)
}

#[derive(Template)]
#[template(path = "claim.html")]
struct ClaimPage {
    frame: Frame,
    /// The code as printed, when one was given and is well formed.
    code: Option<String>,
    /// Its raw form, for the claim form's action.
    code_path: String,
    status: Option<(&'static str, Option<String>)>,
    /// What was wrong with the code, in words.
    problem: Option<String>,
}

#[derive(Deserialize)]
pub struct CodeQuery {
    #[serde(default)]
    code: String,
}

/// Where a person types their code; a typed code goes to its own page.
pub async fn claim_form(State(_state): State<AppState>, viewer: Viewer, Query(q): Query<CodeQuery>) -> PageResult {
    page(&viewer, async {
        if q.code.trim().is_empty() {
            return render(ClaimPage { frame: Frame::new(&viewer), code: None, code_path: String::new(), status: None, problem: None });
        }
        match ClaimCode::parse(&q.code) {
            Ok(code) => Ok(Redirect::to(&format!("/claim/{}", code.as_str())).into_response()),
            Err(e) => {
                let problem = Some(crate::i18n::error_text(viewer.lang, e.code, &[]));
                render(ClaimPage { frame: Frame::new(&viewer), code: None, code_path: String::new(), status: None, problem })
            }
        }
    })
    .await
}

/// What a code tells: the work's status, and the reason when it was rejected or changes
/// were asked; a signed-in person may make the work theirs from here.
pub async fn claim_status(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, Path(typed): Path<String>) -> PageResult {
    page(&viewer, async {
        let found = desks::follow(&state, &client.bucket(), &typed).await?;
        let code = ClaimCode::parse(&typed).ok();
        let status = Some((viewer.lang.texts().status(found.status.as_str()), found.reason));
        render(ClaimPage {
            frame: Frame::new(&viewer),
            code_path: code.as_ref().map(|c| c.as_str().to_owned()).unwrap_or_default(),
            code: code.map(|c| c.grouped()),
            status,
            problem: None,
        })
    })
    .await
}

/// A signed-in person makes the work of a code theirs.
pub async fn claim(State(state): State<AppState>, viewer: Viewer, client: ClientAddr, Path(typed): Path<String>) -> PageResult {
    if viewer.user.is_none() {
        return Ok(Redirect::to("/signin").into_response());
    }
    page(&viewer, async {
        let id = desks::claim(&state, viewer.actor(), &client.bucket(), &typed).await?;
        Ok(Redirect::to(&format!("/works/{id}")).into_response())
    })
    .await
}

#[derive(Template)]
#[template(path = "admin_desks.html")]
struct DesksPage {
    frame: Frame,
    desks: Vec<crate::db::desks::Desk>,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// The admins' desks: every desk, a form for a new one and one to name an operator.
pub async fn admin_desks(State(state): State<AppState>, viewer: Viewer, Query(q): Query<DoneQuery>) -> PageResult {
    page(&viewer, async {
        let all = desks::all(&state, viewer.actor()).await?;
        let t = viewer.lang.texts();
        let notice = match q.done.as_str() {
            "desk" => Some(t.get("desk-created")),
            "operator" => Some(t.get("operator-named")),
            _ => None,
        };
        render(DesksPage { frame: Frame::new(&viewer), desks: all, notice })
    })
    .await
}

#[derive(Deserialize)]
pub struct NewDeskForm {
    slug: String,
    name: String,
}

pub async fn create_desk(State(state): State<AppState>, viewer: Viewer, Form(form): Form<NewDeskForm>) -> PageResult {
    page(&viewer, async {
        desks::create_as_admin(&state, viewer.actor(), &form.slug, &form.name).await?;
        Ok(Redirect::to("/admin/desks?done=desk").into_response())
    })
    .await
}

#[derive(Deserialize)]
pub struct OperatorForm {
    email: String,
    desk: String,
}

pub async fn name_operator(State(state): State<AppState>, viewer: Viewer, Form(form): Form<OperatorForm>) -> PageResult {
    page(&viewer, async {
        desks::appoint_as_admin(&state, viewer.actor(), &form.email, &form.desk).await?;
        Ok(Redirect::to("/admin/desks?done=operator").into_response())
    })
    .await
}
