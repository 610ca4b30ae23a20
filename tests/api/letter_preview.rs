//! The admin's preview of every letter type in English and Spanish (`/staff/admin/letters`),
//! rendered from example data with the templates as they are now: each letter's key facts read
//! back with pdftotext and its QR code with zbarimg; a broken template named by file and line.

use crate::console::{signed_in, text};
use crate::helpers::TestApp;
use crate::later_letters::{assert_says, page_png, words, zbar};
use crate::on_both_backends;
use pleadesk::domain::{LetterType, Role};

async fn preview(b: &reqwest::Client, app: &TestApp, kind: &str, lang: &str) -> Vec<u8> {
    let r = b.get(app.url(&format!("/staff/admin/letters/{kind}/{lang}.pdf"))).send().await.unwrap();
    assert_eq!(r.status(), 200, "{kind} {lang}");
    assert_eq!(r.headers()["content-type"], "application/pdf");
    r.bytes().await.unwrap().to_vec()
}

/// What each example letter must say (a letter per type, the languages alternating).
const FACTS: &[(&str, &str, &[&str])] = &[
    (
        "plea_offer",
        "en",
        &[
            "The prosecutor's offer",
            "The offer is open until December 14, 2026.",
            "42-4-1412 Defective vehicle (no points) $150.00 0",
            "2 No proof of insurance 42-4-1409 No proof of insurance $250.00 4 Total $400.00 4",
            "Online: go to http",
            "By mail: sign and date the slip",
            "Cut along the dashed line",
            "I accept the offer Citation DV-2026-000103",
            "Signature Date",
        ],
    ),
    (
        "amount_due",
        "en",
        &[
            "Please pay $670.00 by December 28, 2026.",
            "Court costs",
            "1 Speeding 20-24 mph over the limit $200.00 $35.00 $235.00",
            "Total $770.00 Paid so far $100.00 Balance due $670.00",
            "more time to pay",
            "a payment plan",
            "community service instead of all or part of the fine",
            "Online: at http",
            "By mail: write to",
        ],
    ),
    (
        "hearing_notice",
        "es",
        &[
            "Aviso de audiencia",
            "el 16 de diciembre de 2026 a las 8:30 a. m.",
            "Cargo 2 (Sin comprobante de seguro): usted rechazó la oferta del fiscal.",
            "Intérprete: si lo necesita",
            "El intérprete es gratuito.",
            "identificación con foto",
        ],
    ),
    (
        "outcome",
        "en",
        &[
            "Your case is closed",
            "your balance is $0.00.",
            "1 Speeding 20-24 mph over the limit Paid as amended by the offer November 25, 2026",
            "2 No proof of insurance Dismissed November 25, 2026",
            "November 10, 2026 Card $100.00 November 25, 2026 Money order $85.00 Total paid $185.00",
        ],
    ),
    (
        "default_notice",
        "es",
        &[
            "Aviso de fallo en rebeldía",
            "a más tardar el 16 de noviembre de 2026",
            "el 27 de noviembre de 2026, el tribunal dictó un fallo en rebeldía",
            "Debe pedirlo dentro de 7 días: a más tardar el 7 de diciembre de 2026.",
            "2 Sin comprobante de seguro $500.00 $35.00 $535.00 Total $770.00",
            "pague $770.00 a más tardar el 28 de diciembre de 2026",
            "un plan de pagos o servicio comunitario",
        ],
    ),
    ("reminder", "es", &["Recordatorio: responda a más tardar el 7 de diciembre de 2026", "Cómo responder", "$700.00"]),
];

async fn the_admin_previews_every_letter_in_both_languages(app: TestApp) {
    let admin = app.staff(Role::Admin).await;
    let (b, _) = signed_in(&app, &admin).await;
    let (status, html) = text(&b, &app, "/staff/admin/letters").await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"/staff/admin/letters\""), "the admin's menu has it");
    let mut pdfs = std::collections::HashMap::new();
    for kind in LetterType::ALL {
        for lang in ["en", "es"] {
            let href = format!("/staff/admin/letters/{kind}/{lang}.pdf");
            assert!(html.contains(&href), "{href} is listed");
            let pdf = preview(&b, &app, kind.as_str(), lang).await;
            pdfs.insert((kind.as_str(), lang), pdf.clone());
            let dir = tempfile::tempdir().unwrap();
            let codes = zbar(&page_png(&pdf, 1, 150, dir.path()));
            assert_eq!(codes, vec!["PLEADESK DV-2026-000103 L0".to_string()], "{kind} {lang}");
            if lang == "es" {
                // No English left in a Spanish letter (the court's name and address are its own).
                let text = format!(" {} ", words(&pdf).to_lowercase());
                for english in [" the ", " you ", " your ", " and ", " to ", " by ", " of ", " pay "] {
                    assert!(!text.contains(english), "the Spanish {kind} says '{english}':\n{text}");
                }
            }
        }
    }
    for (kind, lang, facts) in FACTS {
        assert_says(&words(&pdfs[&(*kind, *lang)]), &format!("{kind} {lang} example"), facts);
    }
    let dir = tempfile::tempdir().unwrap();
    let last = page_png(&pdfs[&("plea_offer", "es")], 2, 150, dir.path());
    assert_eq!(zbar(&last).len(), 2, "the slip carries the letter's code too");
    for missing in ["/staff/admin/letters/postcard/en.pdf", "/staff/admin/letters/plea_offer/fr.pdf"] {
        assert_eq!(b.get(app.url(missing)).send().await.unwrap().status(), 404, "{missing}");
    }
    let clerk = app.staff(Role::Clerk).await;
    let (c, _) = signed_in(&app, &clerk).await;
    assert_eq!(text(&c, &app, "/staff/admin/letters").await.0, 403);
    assert_eq!(c.get(app.url("/staff/admin/letters/outcome/en.pdf")).send().await.unwrap().status(), 403);
    assert!(!text(&c, &app, "/staff").await.1.contains("/staff/admin/letters"), "no menu entry for a clerk");
}

/// A court's own copy of a template with a mistake: the preview names its file and line instead
/// of a letter, as the mail run would meet it.
async fn a_broken_template_is_named_in_the_preview(app: TestApp) {
    let templates = app.data_dir.path().join("templates");
    std::fs::create_dir_all(templates.join("letters/en")).unwrap();
    let broken = templates.join("letters/en/reminder.txt");
    std::fs::write(&broken, "# Reminder\n\nDear {{ recipient.name }},\n[postcard]\n").unwrap();
    let (b, _) = signed_in(&app, &app.staff(Role::Admin).await).await;
    let (status, html) = text(&b, &app, "/staff/admin/letters").await;
    assert_eq!(status, 200);
    assert!(html.contains(&broken.display().to_string()), "the court's copy is named");
    let (status, html) = text(&b, &app, "/staff/admin/letters/reminder/en.pdf").await;
    assert_eq!(status, 422);
    assert!(html.contains("letters/en/reminder.txt, line 4") && html.contains("unknown slot [postcard]"), "{html}");
    assert_eq!(text(&b, &app, "/staff/admin/letters/reminder/es.pdf").await.0, 200, "the Spanish one is built in");
}

on_both_backends!(the_admin_previews_every_letter_in_both_languages, a_broken_template_is_named_in_the_preview);
