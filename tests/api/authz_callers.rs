//! Who calls in the authorization matrix — each caller with its one credential, obtained (and
//! spoiled: disabled, ended, revoked) through the real paths — and the request each sends.

use crate::authz_fixtures::*;
use crate::helpers::{StaffAccount, TestApp};
use crate::pages::{browser, csrf_of};
use diesel::prelude::*;
use pleadesk::db::schema::api_tokens;
use pleadesk::domain::Role;
use serde_json::{json, Value};

/// Who calls. Each identity carries one credential (or none) in a browser that has a CSRF cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    /// An API token (`Authorization: Bearer`).
    Token(Role),
    /// A console session (the `pd_staff` cookie from `/staff/sign-in`).
    Session(Role),
    /// An admin's API token, after an admin disabled the account.
    DisabledToken,
    /// An admin's console session, after an admin disabled the account.
    DisabledSession,
    /// An admin's console session past its idle limit.
    ExpiredSession,
    /// An admin's API sign-in session (`POST /api/v1/auth/login`) past its idle limit.
    ExpiredApiSession,
    /// An admin's API token, revoked on the admin page.
    RevokedToken,
    /// Resident A, with the status session their confirmation code and birth date opened.
    ResidentA,
}

pub struct Identity {
    pub who: Who,
    pub browser: reqwest::Client,
    pub csrf: String,
    pub bearer: Option<String>,
    /// A `Cookie` header sent as is, instead of the browser's cookies.
    pub cookie: Option<String>,
}

/// The id of `who`'s API token.
async fn token_id(app: &TestApp, who: &StaffAccount) -> i64 {
    let id = who.id;
    db(app, move |c| {
        api_tokens::table
            .filter(api_tokens::user_id.eq(id))
            .filter(api_tokens::kind.eq("api"))
            .select(api_tokens::id)
            .first::<i64>(c)
            .unwrap()
    })
    .await
}

/// Every identity of the matrix, each credential obtained (and spoiled) through the real paths;
/// `keeper` is the admin who disables and revokes.
pub async fn identities(app: &TestApp, fx: &Fixtures, keeper: &(reqwest::Client, String)) -> Vec<Identity> {
    let mut out = Vec::new();
    let (browser, csrf) = fresh_browser(app).await;
    out.push(Identity { who: Who::Anonymous, browser, csrf, bearer: None, cookie: None });
    for role in Role::ALL {
        let account = app.staff(*role).await;
        let (browser, csrf) = fresh_browser(app).await;
        out.push(Identity { who: Who::Token(*role), browser, csrf, bearer: Some(account.token.clone()), cookie: None });
        let (browser, csrf) = crate::console::signed_in(app, &account).await;
        out.push(Identity { who: Who::Session(*role), browser, csrf, bearer: None, cookie: None });
    }

    let disabled = app.staff(Role::Admin).await;
    let (browser, csrf) = crate::console::signed_in(app, &disabled).await;
    admin_post(app, keeper, &format!("/staff/admin/users/{}/disable", disabled.id), &[]).await;
    out.push(Identity { who: Who::DisabledSession, browser, csrf, bearer: None, cookie: None });
    let (browser, csrf) = fresh_browser(app).await;
    out.push(Identity { who: Who::DisabledToken, browser, csrf, bearer: Some(disabled.token.clone()), cookie: None });

    let revoked = app.staff(Role::Admin).await;
    admin_post(app, keeper, &format!("/staff/admin/tokens/{}/revoke", token_id(app, &revoked).await), &[]).await;
    let (browser, csrf) = fresh_browser(app).await;
    out.push(Identity { who: Who::RevokedToken, browser, csrf, bearer: Some(revoked.token.clone()), cookie: None });

    let idle = app.staff(Role::Admin).await;
    let (session, csrf) = session_cookie(app, &idle).await;
    let login = crate::staff_auth::login(app, &idle.name, &idle.password).await;
    assert_eq!(login.status(), 200);
    let api_session = login.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    // Idle sessions end after PLEADESK_STAFF_IDLE_MINUTES, one setting for the whole server: a
    // limit short enough to wait out would also end the other identities' sessions while the
    // matrix runs. So these two sessions are aged in SQL (their end set a minute back); the idle
    // end itself is tested through the real clock in staff_auth.rs and console.rs.
    let user = idle.id;
    let aged = db(app, move |c| {
        diesel::update(api_tokens::table.filter(api_tokens::user_id.eq(user)).filter(api_tokens::kind.eq("session")))
            .set(api_tokens::expires_at.eq(pleadesk::db::now() - chrono::Duration::minutes(1)))
            .execute(c)
            .unwrap()
    })
    .await;
    assert_eq!(aged, 2, "the console session and the API session");
    // A browser forgets the cookie when told the session ended; a stale or stolen copy is sent
    // again and again, so this caller sends it on every request.
    let cookie = Some(format!("pd_staff={session}; pd_csrf={csrf}"));
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    out.push(Identity { who: Who::ExpiredSession, browser, csrf, bearer: None, cookie });
    let (browser, csrf) = fresh_browser(app).await;
    out.push(Identity { who: Who::ExpiredApiSession, browser, csrf, bearer: Some(api_session), cookie: None });

    let (browser, csrf) = resident_session(app, &fx.a_confirmation, A_DOB).await;
    out.push(Identity { who: Who::ResidentA, browser, csrf, bearer: None, cookie: None });
    out
}

/// Signs `who` in on the console; the session cookie's value and the CSRF token.
async fn session_cookie(app: &TestApp, who: &StaffAccount) -> (String, String) {
    let (b, csrf) = fresh_browser(app).await;
    let form = [("csrf", csrf.as_str()), ("username", who.name.as_str()), ("password", who.password.as_str())];
    let r = b.post(app.url("/staff/sign-in")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.strip_prefix("pd_staff="))
        .map(|v| v.split(';').next().unwrap_or("").to_string())
        .next()
        .expect("a session cookie");
    (session, csrf)
}

/// A browser whose status session the confirmation code and birth date opened.
pub async fn resident_session(app: &TestApp, confirmation: &str, dob: &str) -> (reqwest::Client, String) {
    let b = browser();
    let page = b.get(app.url("/status")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let r = identity_form(app, (&b, &csrf), "/status", ("confirmation", confirmation), dob).await;
    assert_eq!(r.headers()["location"], "/status/case");
    (b, csrf)
}

/// The JSON body of a public identity check: B's case (or, with an id in the address, B's
/// thing) with the birth date the identity has — A's own for resident A (and A's code where a
/// code opens a letter), a wrong one for everybody else.
pub fn public_body(path: &str, who: Who, fx: &Fixtures) -> Value {
    let resident = who == Who::ResidentA;
    let dob = if resident { A_DOB } else { WRONG_DOB };
    match path {
        "/api/v1/public/lookup" => json!({"citation_number": B_NUMBER, "date_of_birth": dob}),
        "/api/v1/public/pleas" => json!({
            "citation_number": B_NUMBER, "date_of_birth": dob, "language": "en", "attest": true,
            "pleas": [{"charge_seq": 1, "plea": "guilty"}, {"charge_seq": 2, "plea": "guilty"}],
            "signature_name": "Sam Abernathy",
        }),
        "/api/v1/public/status" => json!({"confirmation": fx.b_confirmation, "date_of_birth": dob}),
        "/api/v1/public/hardship" => json!({
            "confirmation": fx.b_confirmation, "date_of_birth": dob, "kind": "payment_plan",
            "statement": "I lost my job in October. I can pay $45 a month.",
        }),
        "/api/v1/public/letters/{id}/pdf" if resident => {
            json!({"confirmation": fx.a_confirmation, "date_of_birth": dob})
        }
        "/api/v1/public/letters/{id}/pdf" => json!({"confirmation": fx.b_confirmation, "date_of_birth": dob}),
        p if p.starts_with("/api/v1/public/offers/") => json!({"date_of_birth": dob}),
        other => panic!("{other}: add its body to public_body()"),
    }
}

/// The fields of a page form (besides the CSRF token). Staff forms get a field no form accepts
/// (a role that does not exist, a user name too short), so that an allowed POST changes nothing.
pub fn form_fields(path: &str, fx: &Fixtures) -> Vec<(String, String)> {
    let (m, d, y) = dob_parts(A_DOB);
    let pairs: Vec<(&str, String)> = match path {
        "/case" => vec![
            ("citation_number", B_NUMBER.into()),
            ("date_of_birth_month", m),
            ("date_of_birth_day", d),
            ("date_of_birth_year", y),
        ],
        "/status" => vec![
            ("confirmation", fx.b_confirmation.clone()),
            ("date_of_birth_month", m),
            ("date_of_birth_day", d),
            ("date_of_birth_year", y),
        ],
        "/status/letter" => vec![("letter_id", fx.b_letter.to_string())],
        "/staff/sign-in" => vec![("username", "nobody-here".into()), ("password", "not-a-password".into())],
        p if p.starts_with("/staff") => vec![("role", "no-such-role".into()), ("username", "x".into())],
        _ => vec![],
    };
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// An answer as the matrix judges it.
pub struct Got {
    pub status: u16,
    pub location: Option<String>,
    /// The body when it is text (HTML, JSON, CSV); empty for files.
    pub body: String,
    pub www_authenticate: bool,
    /// Missing security headers, cookies without HttpOnly or SameSite.
    pub header_problems: Vec<String>,
}

/// Sends `caller`'s request for a route: its credential, and for a POST the body a route of its
/// kind takes (a form with the caller's CSRF token, or JSON).
pub async fn call(caller: &Identity, method: &str, path: &str, url: &str, fx: &Fixtures) -> Got {
    let b = &caller.browser;
    let mut req = match method {
        "get" => b.get(url),
        "head" => b.head(url),
        "post" => b.post(url),
        other => panic!("{other} {path}: teach call() this method"),
    };
    if let Some(token) = &caller.bearer {
        req = req.bearer_auth(token);
    }
    if let Some(cookie) = &caller.cookie {
        req = req.header("cookie", cookie);
    }
    if method == "post" {
        req = if path.starts_with("/api/v1/public/") {
            req.json(&public_body(path, caller.who, fx))
        } else if path == "/api/v1/auth/login" {
            req.json(&json!({"username": "nobody-here", "password": "not-a-password"}))
        } else if path.starts_with("/api/") {
            // Not even JSON: a body read before the guard has answered would show as a 400/422.
            req.header("content-type", "application/json").body("{\"")
        } else {
            let mut form = vec![("csrf".to_string(), caller.csrf.clone())];
            form.extend(form_fields(path, fx));
            req.form(&form)
        };
    }
    let resp = req.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let textual =
        header("content-type").is_some_and(|t| ["text/", "application/json"].iter().any(|k| t.starts_with(k)));
    let body = resp.bytes().await.unwrap();
    Got {
        status,
        location: header("location"),
        body: if textual { String::from_utf8_lossy(&body).into_owned() } else { String::new() },
        www_authenticate: header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")),
        header_problems: crate::security_headers::problems(&headers, false),
    }
}
