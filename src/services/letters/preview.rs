//! The admin's preview of the letter templates: every letter type in each language rendered
//! from example data with the templates as they are on disk now and the court's own profile,
//! so that a template edit can be checked before the mail run. Nothing is stored.

use super::{create::court_profile, LetterContext};
use crate::domain::{Language, LetterType};
use crate::error::AppError;
use crate::letters::{self, template_name};

/// One letter type's row on the preview page: its template file in each language, and where
/// each was loaded from (the court's copy, or the one built in).
pub struct PreviewRow {
    pub kind: LetterType,
    pub templates: Vec<(Language, String)>,
}

/// Every letter type, with where its templates come from.
pub fn list(ctx: &LetterContext) -> Result<Vec<PreviewRow>, AppError> {
    let templates = ctx.templates()?;
    Ok(LetterType::ALL
        .iter()
        .map(|kind| PreviewRow {
            kind: *kind,
            templates: [Language::En, Language::Es]
                .into_iter()
                .map(|lang| (lang, templates.origin(&template_name(*kind, lang))))
                .collect(),
        })
        .collect())
}

/// The example letter of `kind` in `lang` as a PDF. A template that fails is reported with its
/// file and line (422), as the mail run would meet it.
pub fn render(ctx: &LetterContext, kind: LetterType, lang: Language) -> Result<Vec<u8>, AppError> {
    let templates = ctx.templates()?;
    letters::render(&example(ctx, kind, lang), &templates, &ctx.setup)
        .map(|r| r.pdf)
        .map_err(|e| AppError::field("template", e.to_string()))
}

/// The email that would carry the example letter of `kind` in `lang` (`pleadesk check`).
pub fn email(ctx: &LetterContext, kind: LetterType, lang: Language) -> Result<super::Composed, AppError> {
    super::email::compose(&example(ctx, kind, lang), &ctx.templates()?)
}

/// The example letter with this court's profile.
fn example(ctx: &LetterContext, kind: LetterType, lang: Language) -> letters::data::LetterData {
    let mut data = letters::example_data(kind, lang, 0);
    data.court = court_profile(&ctx.court, lang);
    if let Some(h) = data.hearing.as_mut() {
        (h.time, h.place) = (ctx.court.appearance_time, ctx.court.appearance_place.clone());
    }
    data.base_url = ctx.base_url.clone();
    data
}
