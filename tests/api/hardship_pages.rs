//! Unable to pay through the public pages, in Spanish, as a browser without JavaScript uses
//! them: the status page (code and birth date posted, never in a URL) → the request form → its
//! errors beside the fields and in the summary → sent → denied by a clerk with a reason → the
//! Spanish letter that gives it; the status page's timeline in plain words with the case's
//! letters to download through the status session, and nothing staff-internal on it.

use crate::console::{location, signed_in, text};
use crate::hardship::{decision_letter, guilty_online, status, DOB};
use crate::helpers::TestApp;
use crate::later_letters::assert_says;
use crate::on_both_backends;
use crate::pages::{browser, csrf_of, follow, see_other};
use pleadesk::domain::Role;

/// Opens the status page of `code` on a fresh browser in Spanish; returns it, its CSRF token
/// and the page.
async fn open_status(app: &TestApp, code: &str) -> (reqwest::Client, String, String) {
    let b = browser();
    let form = b.get(app.url("/status?lang=es")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&form);
    let (y, m, d) = (&DOB[0..4], &DOB[5..7], &DOB[8..10]);
    let fields = [
        ("csrf", csrf.as_str()),
        ("confirmation", code),
        ("date_of_birth_month", m),
        ("date_of_birth_day", d),
        ("date_of_birth_year", y),
    ];
    let r = b.post(app.url("/status")).form(&fields).send().await.unwrap();
    let (status, page) = follow(&b, app, r).await;
    assert_eq!(status, 200, "{page}");
    (b, csrf, page.replace("&#x2f;", "/"))
}

async fn a_spanish_request_through_the_pages_is_denied_with_a_reason(app: TestApp) {
    app.load_offenses().await;
    let clerk = app.staff(Role::Clerk).await;
    let code = guilty_online(&app, &clerk.token, "HP-2026-000001", "es").await;
    let (b, csrf, page) = open_status(&app, &code).await;
    assert!(page.contains(r#"href="/status/hardship""#) && page.contains("Pedir más tiempo"), "{page}");
    let (status_code, form) = text(&b, &app, "/status/hardship").await;
    assert_eq!(status_code, 200);
    assert!(form.contains("¿Por qué no puede pagar ahora?") && form.contains(r#"name="kind""#), "{form}");

    // Nothing chosen, nothing said: both errors, in the summary and beside the fields.
    let r = b.post(app.url("/status/hardship")).form(&[("csrf", csrf.as_str()), ("statement", " ")]).send().await;
    let (status_code, again) = follow(&b, &app, r.unwrap()).await;
    assert_eq!(status_code, 422);
    assert!(again.contains("Elija qué pide.") && again.contains(r#"id="kind-error""#), "{again}");
    assert!(again.contains(r##"href="#statement""##) && again.contains(r#"id="statement-error""#), "{again}");
    let sent = [
        ("csrf", csrf.as_str()),
        ("kind", "community_service"),
        ("statement", "Cuido a mi madre y no tengo ingresos."),
    ];
    let r = b.post(app.url("/status/hardship")).form(&sent).send().await.unwrap();
    assert_eq!(see_other(&r), "/status/case");
    let (_, page) = text(&b, &app, "/status/case").await;
    assert!(page.contains("Recibimos su solicitud") && page.contains("Esperando la respuesta del tribunal"), "{page}");
    assert!(!page.contains(r#"href="/status/hardship""#), "one pending request at a time");
    // A second request through the form is refused in plain words.
    let r = b.post(app.url("/status/hardship")).form(&sent).send().await.unwrap();
    let (status_code, again) = follow(&b, &app, r).await;
    assert_eq!(status_code, 409);
    assert!(again.contains("Usted ya envió una solicitud"), "{again}");

    // The clerk denies it, with a reason written to the defendant.
    let id = status(&app, &code).await["hardship"]["id"].clone();
    let (c, c_csrf) = signed_in(&app, &clerk).await;
    let link = format!("/staff/hardship/{id}");
    let reason = "Las horas de servicio no están disponibles este mes";
    let r = c.post(app.url(&format!("{link}/deny"))).form(&[("csrf", c_csrf.as_str()), ("reason", reason)]);
    assert_eq!(location(&r.send().await.unwrap()), format!("{link}?done=denied"));
    let (_, decided) = text(&c, &app, &link).await;
    let letter = decision_letter(&app, &clerk.token, &decided).await;
    assert_says(&letter, "denial letter", &["servicio comunitario en lugar de pagar la multa", reason, "$135.00"]);

    // The status page: the answer in plain words, the reason only in the letter, letters to download.
    let (_, page) = text(&b, &app, "/status/case").await;
    assert!(page.contains("No concedida") && page.contains("El tribunal no le concedió lo que pidió"), "{page}");
    assert!(page.contains("Recibimos su declaración.") && page.contains("Le enviamos una carta: cantidad a pagar."));
    assert!(!page.contains(reason) && !page.contains(&clerk.name) && !page.contains("staff:"), "{page}");
    assert!(page.contains(r#"href="/status/hardship""#), "a new request may be made");
    let ids: Vec<String> =
        page.split(r#"name="letter_id" value=""#).skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect();
    assert!(ids.len() >= 2, "{page}");
    for id in &ids {
        let r = b.post(app.url("/status/letter")).form(&[("csrf", csrf.as_str()), ("letter_id", id.as_str())]);
        let r = r.send().await.unwrap();
        assert_eq!(r.status(), 200, "letter {id}");
        assert_eq!(r.headers()["content-type"], "application/pdf");
        assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    }
    // Another case's letter is not this session's to download, nor any letter without a session.
    let other = guilty_online(&app, &clerk.token, "HP-2026-000002", "en").await;
    let other_letter = status(&app, &other).await["letters"][0]["id"].to_string();
    let r = b.post(app.url("/status/letter")).form(&[("csrf", csrf.as_str()), ("letter_id", other_letter.as_str())]);
    assert_eq!(r.send().await.unwrap().status(), 404);
    let stranger = browser();
    let token = csrf_of(&stranger.get(app.url("/status")).send().await.unwrap().text().await.unwrap());
    let r = stranger.post(app.url("/status/letter")).form(&[("csrf", token.as_str()), ("letter_id", ids[0].as_str())]);
    assert_eq!(see_other(&r.send().await.unwrap()), "/status");
    let r = stranger.get(app.url("/status/hardship")).send().await.unwrap();
    assert_eq!(see_other(&r), "/status");
}

on_both_backends!(a_spanish_request_through_the_pages_is_denied_with_a_reason);
