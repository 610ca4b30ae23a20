//! The envelope queue (`/staff/envelopes/{id}`): a batch made from our own letters keyed with
//! Save and next (the scan beside the form, what the QR code read, each envelope's plea, the
//! redirect chain and the last line), an envelope keyed twice refused, Skip, Not a plea and its
//! reopening, `envelope_id` through `POST /api/v1/submissions`, and the dashboard's numbers.

use crate::console::{location, signed_in, text};
use crate::helpers::{error_body, events, TestApp};
use crate::on_both_backends;
use crate::paper_support::{key_in, mail_plea, today};
use crate::scans::{client, first_pages, img2pdf, plain_page, rasterise, upload};
use pleadesk::domain::Role;
use serde_json::{json, Value};

/// A batch from our own letters, uploaded through the API: envelope 1 is our plea form for
/// DV-2026-000101, envelope 2 our form for DV-2026-000102 with a check behind it, envelope 3 a
/// separator sheet's envelope holding a note that is not ours. (document id, envelope ids,
/// letter ids.)
async fn three_envelopes(app: &TestApp, token: &str) -> (i64, Vec<i64>, Vec<i64>) {
    let dir = tempfile::tempdir().unwrap();
    let (letters, mut pages) = first_pages(app, token, &["DV-2026-000101", "DV-2026-000102"], dir.path()).await;
    pages.push(plain_page(dir.path(), "check.jpg", "PAY TO THE ORDER OF DENVER COUNTY COURT  $135.00"));
    let sep = client().get(app.url("/api/v1/scans/separator.pdf")).bearer_auth(token).send().await.unwrap();
    pages.push(rasterise(&sep.bytes().await.unwrap(), 150, dir.path(), "sep").remove(0));
    pages.push(plain_page(dir.path(), "note.jpg", "Dear judge, I plead guilty. Ticket number on the back."));
    let pdf = img2pdf(&pages, &dir.path().join("batch.pdf"));
    let r = upload(app, token, vec![(pdf, "batch.pdf")]).await;
    assert_eq!(r.status(), 201);
    let v: Value = r.json().await.unwrap();
    let envelopes: Vec<i64> = v["envelopes"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert_eq!(envelopes.len(), 3, "{v}");
    assert_eq!(v["envelopes"][1]["page_numbers"], json!([2, 3]));
    (v["document_id"].as_i64().unwrap(), envelopes, letters)
}

async fn scan(app: &TestApp, token: &str, doc: i64) -> Value {
    let r = client().get(app.url(&format!("/api/v1/scans/{doc}"))).bearer_auth(token).send().await.unwrap();
    r.json().await.unwrap()
}

/// The keying form of an envelope page as a clerk fills it in: its key, signed or not, pleas.
pub(crate) fn filled(
    csrf: &str,
    page: &str,
    number: &str,
    signed: bool,
    pleas: &[(i32, &str)],
) -> Vec<(String, String)> {
    let key = page.split(r#"name="key" value=""#).nth(1).expect("the form's key")[..32].to_string();
    keyed_with(csrf, &key, number, signed, pleas)
}

fn keyed_with(csrf: &str, key: &str, number: &str, signed: bool, pleas: &[(i32, &str)]) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = [
        ("csrf", csrf),
        ("key", key),
        ("citation_number", number),
        ("channel", "mail"),
        ("postmark_date", &today().to_string()),
        ("step", "save"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    f.extend(pleas.iter().map(|(s, p)| (format!("plea_{s}"), p.to_string())));
    if signed {
        f.push(("signed".into(), "yes".into()));
    }
    f
}

async fn post(b: &reqwest::Client, app: &TestApp, path: &str, form: &[(String, String)]) -> reqwest::Response {
    b.post(app.url(path)).form(form).send().await.unwrap()
}

/// The element with this id, from its id to the end of its text (`</p>`, or `</td>` in a table).
fn between<'a>(page: &'a str, id: &str) -> &'a str {
    let at = page.find(&format!(r#"id="{id}""#)).unwrap_or_else(|| panic!("#{id} in {page}"));
    let end = ["</p>", "</td>"].iter().filter_map(|e| page[at..].find(e)).min().unwrap();
    &page[at..at + end]
}

async fn a_clerk_keys_a_batch_with_save_and_next(app: TestApp) {
    app.with_current_samples().await;
    let clerk = app.staff(Role::Clerk).await;
    let (doc, envs, letters) = three_envelopes(&app, &clerk.token).await;
    let (b, csrf) = signed_in(&app, &clerk).await;
    // The dashboard: today's scans and the envelopes to key, with the queue's age.
    let (_, dash) = text(&b, &app, "/staff").await;
    for (id, n) in [("scans-batches", 1), ("scans-pages", 5), ("scans-envelopes", 3), ("queue-envelopes", 3)] {
        assert!(dash.contains(&format!(r#"id="{id}">{n}<"#)), "{id} = {n}: {dash}");
    }
    assert!(dash.contains(r#"href="/staff/queues/envelopes""#) && between(&dash, "age-envelopes").contains("minute"));
    // The queue opens on the oldest envelope; the batch page starts the keying there too.
    let r = b.get(app.url("/staff/queues/envelopes")).send().await.unwrap();
    assert_eq!(location(&r), format!("/staff/envelopes/{}", envs[0]));
    let (_, batch) = text(&b, &app, &format!("/staff/scans/{doc}")).await;
    assert!(batch.contains(&format!(r#"href="/staff/envelopes/{}">Start keying"#, envs[0])), "{batch}");
    assert_eq!(batch.matches(">To key<").count(), 3);

    // Envelope 1: the scan beside the form, the number read from our QR code, its charges.
    let (status, page) = text(&b, &app, &format!("/staff/envelopes/{}", envs[0])).await;
    assert_eq!(status, 200);
    assert!(page.contains("Envelope 1 of 3") && page.contains("3 left to key in this batch"), "{page}");
    assert!(page.contains(&format!(r#"src="/staff/scans/{doc}/pages/1/image?size=page" alt="Page 1 of the envelope""#)));
    let read = format!(
        "Read from the scan:</strong> citation DV-2026-000101, from the QR code on page 1: letter no. {}",
        letters[0]
    );
    assert!(page.contains(&read), "{page}");
    assert!(page.contains(r#"value="DV-2026-000101""#) && page.contains("Charge 1: "), "the case's charges at once");
    assert!(page.contains(r#"id="postmark_date" name="postmark_date" type="text" autocomplete="off" spellcheck="false" value="" autofocus"#));
    assert!(page.contains(r#"accesskey="s">Save and next <span class="pd-key">(Alt+S)</span>"#));
    assert!(page.contains(&format!(r#"href="/staff/envelopes/{}" accesskey="k">Skip"#, envs[1])));
    let form = filled(&csrf, &page, "DV-2026-000101", true, &[(1, "guilty")]);
    let first = location(&post(&b, &app, &format!("/staff/envelopes/{}", envs[0]), &form).await);
    // A double click: the same form again is the same plea, and the same way on.
    let again = location(&post(&b, &app, &format!("/staff/envelopes/{}", envs[0]), &form).await);
    assert_eq!(first, again);
    let keyed: Vec<_> = events(&app).await.into_iter().filter(|e| e.1 == "plea.keyed").collect();
    assert_eq!(keyed.len(), 1);
    assert_eq!((keyed[0].4["envelope_id"].as_i64(), keyed[0].4["document_id"].as_i64()), (Some(envs[0]), Some(doc)));
    let sub1 = first.split("saved=").nth(1).unwrap().to_string();
    assert_eq!(first, format!("/staff/envelopes/{}?saved={sub1}", envs[1]));

    // Envelope 2 says what was saved; keyed unsigned it is deficient with its notice queued.
    let (_, page) = text(&b, &app, &first).await;
    let line = between(&page, "saved");
    assert!(line.contains(&format!(r#"href="/staff/pleas/{sub1}""#)) && line.contains("for citation DV-2026-000101:"));
    assert!(line.contains("linked, acknowledgement queued"), "{line}");
    assert!(page.contains("Envelope 2 of 3") && page.contains("2 left to key in this batch"));
    let to = location(&post(&b, &app, &first, &filled(&csrf, &page, "DV-2026-000102", false, &[(1, "guilty")])).await);
    let sub2 = to.split("saved=").nth(1).unwrap().to_string();
    assert_eq!(to, format!("/staff/envelopes/{}?saved={sub2}", envs[2]));

    // Envelope 3 needs a match: a number one character off is suggested, chosen with one click.
    let (_, page) = text(&b, &app, &to).await;
    assert!(between(&page, "saved").contains("deficient — notice queued"), "{page}");
    assert!(page.contains(r#"id="citation_number" name="citation_number" type="text" autocomplete="off" spellcheck="false" value="" autofocus"#));
    let mut form = filled(&csrf, &page, "DV-2026-000183", true, &[]);
    form.retain(|(k, _)| k != "step");
    form.push(("step".into(), "lookup".into()));
    let here = format!("/staff/envelopes/{}", envs[2]);
    let page = post(&b, &app, &here, &form).await.text().await.unwrap();
    assert!(page.contains(r#"name="pick" value="DV-2026-000103">Use DV-2026-000103</button>"#), "{page}");
    form.push(("pick".into(), "DV-2026-000103".into()));
    let page = post(&b, &app, &here, &form).await.text().await.unwrap();
    assert!(page.contains(r#"value="DV-2026-000103""#) && page.contains("Charge 2: "), "the picked case's charges");
    let last = filled(&csrf, &page, "DV-2026-000103", true, &[(1, "guilty"), (2, "guilty")]);
    let to = location(&post(&b, &app, &here, &last).await);
    let sub3 = to.split("saved=").nth(1).unwrap().to_string();
    assert_eq!(to, format!("/staff/scans/{doc}?done=batch_done&saved={sub3}"));
    let (_, batch) = text(&b, &app, &to).await;
    assert!(between(&batch, "finished").contains("All 3 envelopes of this batch are keyed."), "{batch}");
    assert!(between(&batch, "saved").contains("for citation DV-2026-000103: linked"));
    assert!(!batch.contains("Start keying") && batch.matches("Keyed as plea").count() == 3);

    // Each envelope holds its plea, and each plea the batch's scan.
    let v = scan(&app, &clerk.token, doc).await;
    let subs: Vec<i64> = [&sub1, &sub2, &sub3].iter().map(|s| s.parse().unwrap()).collect();
    for (i, e) in v["envelopes"].as_array().unwrap().iter().enumerate() {
        assert_eq!((e["submission_id"].as_i64(), e["state"].as_str()), (Some(subs[i]), Some("keyed")), "{e}");
    }
    let documents = app.with_db(|c| {
        use diesel::prelude::*;
        use pleadesk::db::schema::submissions;
        submissions::table.order(submissions::id).select(submissions::document_id).load::<Option<i64>>(c).unwrap()
    });
    assert_eq!(documents.await, vec![Some(doc); 3]);

    // Keyed twice: refused, the page names the plea to open; nothing is written.
    let (_, page) = text(&b, &app, &format!("/staff/envelopes/{}", envs[0])).await;
    assert!(page.contains(&format!(r#"href="/staff/pleas/{sub1}">plea "#)) && !page.contains(r#"id="plea-form""#));
    let form = keyed_with(&csrf, "0123456789abcdef0123456789abcdef", "DV-2026-000101", true, &[(1, "guilty")]);
    let r = post(&b, &app, &format!("/staff/envelopes/{}", envs[0]), &form).await;
    assert_eq!(r.status(), 409);
    let confirmation = v["envelopes"][0]["keyed_as"].as_str().unwrap().to_string();
    assert!(r.text().await.unwrap().contains(&format!("this envelope was keyed as plea {confirmation}; open it")));
    assert_eq!(events(&app).await.iter().filter(|e| e.1 == "plea.keyed").count(), 3);

    // The recent batches: when (the court's day), by whom, how far keyed.
    let (_, scans) = text(&b, &app, "/staff/scans").await;
    let day = chrono::Utc::now().with_timezone(&chrono_tz::America::Denver).format("%b %-d, %Y, ").to_string();
    let row = &scans[scans.find(&format!(r#"href="/staff/scans/{doc}">"#)).expect("the batch is listed")..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains(&day) && row.contains(&format!("<td>{}</td>", clerk.name)), "{row}");
    assert!(row.contains("<td>5</td><td>3</td>") && row.contains("3 of 3"), "{row}");
    let (_, dash) = text(&b, &app, "/staff").await;
    assert!(dash.contains(r#"id="queue-envelopes">0<"#) && dash.contains(r#"id="scans-envelopes">3<"#));
    let (status, page) = text(&b, &app, "/staff/queues/envelopes").await;
    assert_eq!(status, 200);
    assert!(page.contains("No envelope is waiting to be keyed"));
}

async fn skip_leaves_an_envelope_and_not_a_plea_sets_it_aside_until_reopened(app: TestApp) {
    app.with_current_samples().await;
    let clerk = app.staff(Role::Clerk).await;
    let (doc, envs, _) = three_envelopes(&app, &clerk.token).await;
    let (b, csrf) = signed_in(&app, &clerk).await;
    let page = |i: usize| format!("/staff/envelopes/{}", envs[i]);
    // Skip is a link on: the next envelope left, round to the first from the last.
    let (_, last) = text(&b, &app, &page(2)).await;
    assert!(last.contains(&format!(r#"id="skip" href="/staff/envelopes/{}""#, envs[0])), "{last}");
    // Not a plea needs a reason.
    let set_aside = |reason: &str| {
        b.post(app.url(&format!("{}/not-a-plea", page(1)))).form(&[("csrf", csrf.as_str()), ("reason", reason)]).send()
    };
    let r = set_aside("  ").await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(r#"id="reason-error">the reason is required"#));
    let r = set_aside("a check only, no plea form").await.unwrap();
    assert_eq!(location(&r), format!("{}?done=not_a_plea", page(2)));
    let set: Vec<_> = events(&app).await.into_iter().filter(|e| e.1 == "envelope.not_a_plea").collect();
    assert_eq!(set.len(), 1);
    assert_eq!((set[0].0.clone(), set[0].3.clone()), (format!("staff:{}", clerk.id), doc.to_string()));
    assert_eq!(set[0].4, json!({"envelope": envs[1], "reason": "a check only, no plea form"}));
    // It has left the queue: Skip from the last goes round past it, the batch says why.
    let (_, first) = text(&b, &app, &page(0)).await;
    assert!(first.contains(&format!(r#"id="skip" href="/staff/envelopes/{}""#, envs[2])));
    assert!(first.contains("2 left to key in this batch"));
    let (_, batch) = text(&b, &app, &format!("/staff/scans/{doc}")).await;
    assert!(batch.contains("Not a plea: a check only, no plea form") && batch.contains("Continue keying"), "{batch}");
    assert!(batch.contains(&format!(r#"action="/staff/envelopes/{}/reopen""#, envs[1])));
    // Keying it now is refused, here and through the API; set aside twice too.
    let mut plea = mail_plea("DV-2026-000102", today(), &[(1, "guilty")]);
    plea["envelope_id"] = json!(envs[1]);
    let body = error_body(key_in(&app, &clerk.token, &plea, None).await, 409, "conflict").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("set aside as not a plea (a check only"));
    assert_eq!(set_aside("again").await.unwrap().status(), 409);
    // Reopened from the batch: back in the queue, on the record.
    let reopen = || b.post(app.url(&format!("{}/reopen", page(1)))).form(&[("csrf", csrf.as_str())]).send();
    assert_eq!(location(&reopen().await.unwrap()), format!("{}?done=reopened", page(1)));
    let (_, back) = text(&b, &app, &format!("{}?done=reopened", page(1))).await;
    assert!(back.contains("The envelope is back in the queue") && back.contains(r#"id="plea-form""#));
    assert!(events(&app).await.iter().any(|e| e.1 == "envelope.reopened" && e.4["envelope"] == envs[1]));
    assert_eq!(reopen().await.unwrap().status(), 409, "it is in the queue already");
    assert_eq!(key_in(&app, &clerk.token, &plea, None).await.status(), 201);
}

async fn the_api_keys_from_an_envelope_once_even_with_a_page_of_another_citation(app: TestApp) {
    app.with_current_samples().await;
    let clerk = app.staff(Role::Clerk).await;
    let (doc, envs, _) = three_envelopes(&app, &clerk.token).await;
    // Envelope 2's form moved into envelope 1: two citations in one envelope, flagged.
    let r = client()
        .post(app.url(&format!("/api/v1/envelopes/{}/pages/2/move", envs[1])))
        .bearer_auth(&clerk.token)
        .json(&json!({"to": "previous"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["envelopes"][0]["flags"], json!(["other_citation"]), "{v}");
    let (b, _) = signed_in(&app, &clerk).await;
    let (_, page) = text(&b, &app, &format!("/staff/envelopes/{}", envs[0])).await;
    assert!(between(&page, "scan-warnings").contains("Check the scan"));
    assert!(page.contains("The QR code on page 2 names citation DV-2026-000102, not this envelope's"), "{page}");
    assert!(page.contains(r#"src="/staff/scans/"#) && page.matches(r#"/image?size=page""#).count() == 2);

    let mut plea = mail_plea("DV-2026-000101", today(), &[(1, "guilty")]);
    plea["envelope_id"] = json!(envs[0]);
    // The envelope's document, not another; an envelope that does not exist.
    plea["document_id"] = json!(doc + 1);
    error_body(key_in(&app, &clerk.token, &plea, None).await, 422, "invalid").await;
    let mut nowhere = plea.clone();
    nowhere["envelope_id"] = json!(999_999);
    let body = error_body(key_in(&app, &clerk.token, &nowhere, None).await, 422, "invalid").await;
    assert!(body["error"]["fields"]["envelope_id"].as_str().unwrap().contains("there is no envelope 999999"));
    // The clerk decides: it keys, recorded with the batch's document, once.
    plea.as_object_mut().unwrap().remove("document_id");
    let r = key_in(&app, &clerk.token, &plea, Some("envelope-key-1")).await;
    assert_eq!(r.status(), 201);
    let answer: Value = r.json().await.unwrap();
    let repeat: Value = key_in(&app, &clerk.token, &plea, Some("envelope-key-1")).await.json().await.unwrap();
    assert_eq!(repeat["id"], answer["id"], "the same key is the same plea, not a refusal");
    let body = error_body(key_in(&app, &clerk.token, &plea, None).await, 409, "conflict").await;
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message
        .contains(&format!("this envelope was keyed as plea {}; open it", answer["confirmation"].as_str().unwrap())));
    let v = scan(&app, &clerk.token, doc).await;
    assert_eq!(v["envelopes"][0]["submission_id"], answer["id"]);
    assert_eq!(v["envelopes"][0]["keyed_as"], answer["confirmation"]);
    let case = crate::paper_support::case(&app, &clerk.token, "DV-2026-000101").await;
    let keyed = case["submissions"].as_array().unwrap().iter().filter(|s| s["id"] == answer["id"]).count();
    assert_eq!(keyed, 1);
    assert_eq!(events(&app).await.iter().filter(|e| e.1 == "plea.keyed").count(), 1);
}

on_both_backends!(
    a_clerk_keys_a_batch_with_save_and_next,
    skip_leaves_an_envelope_and_not_a_plea_sets_it_aside_until_reopened,
    the_api_keys_from_an_envelope_once_even_with_a_page_of_another_citation,
);
