//! The authorization matrix (issue 10 point 5): every route the server answers, read from its
//! route table (`pleadesk::web::route_list`), called by every kind of caller — nobody, an API
//! token and a console session of each staff role, a disabled account, an ended session, a
//! revoked token, and resident A naming resident B's case, letter, offer and files — and each
//! answer held to ONE table that says who may do what. A route without a row, or a row without a
//! route, fails the test. Every answer also carries the security headers and no cookie without
//! HttpOnly and SameSite, and no answer to a caller without the right shows B's personal data.
//!
//! How the guards answer (so how a rule becomes an answer per caller):
//! - `Api(roles)` (`Staff<R>`): a bearer token of a role in the set is let through; of another
//!   role 403; no token, or a bad, revoked, ended or disabled one, or only a cookie: 401.
//! - `Console(roles)` (`StaffPage<R>`): a session of a role in the set is let through; of another
//!   role the 403 page; a session that ended idle: 303 to the sign-in page saying so
//!   (`ended=1`); no session (a bearer token does not count): 303 to the sign-in page.
//! - The resident's pages open only the case of their own session (the draft cookie their
//!   citation number or confirmation code and birth date opened); a thing of another case is
//!   answered as if it did not exist (the uniform 404 of the look-ups, or back to their status).

use crate::authz_callers::*;
use crate::authz_fixtures::*;
use crate::helpers::TestApp;
use crate::on_both_backends;
use pleadesk::domain::Role;
use std::collections::BTreeSet;
use std::time::Instant;
use Answer::*;
use Rule::*;

const READERS: &[Role] = &[Role::Clerk, Role::Prosecutor, Role::Admin];
const CLERKS: &[Role] = &[Role::Clerk, Role::Admin];
const PROSECUTORS: &[Role] = &[Role::Prosecutor, Role::Admin];
const ADMINS: &[Role] = &[Role::Admin];
const IMPORTERS: &[Role] = &[Role::Clerk, Role::Admin, Role::Integration];
const ANY_STAFF: &[Role] = &[Role::Clerk, Role::Prosecutor, Role::Admin, Role::Integration];

/// What a caller gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Let through: a GET of a staff route answers 200 (or its listed redirect), a POST is
    /// answered on its merits (here: its bad field) — never 401, 403, a sign-in or a 5xx.
    Allowed,
    Status(u16),
    /// 303 to `/staff/sign-in` (with the page to come back to).
    SignIn,
    /// 303 to `/staff/sign-in?…ended=1`: the session ended idle.
    SignInEnded,
    /// 303 to this page.
    To(&'static str),
}

/// Who may call a route.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// Anyone: every caller gets the answer the anonymous caller gets.
    Open,
    /// A bearer token of one of these roles.
    Api(&'static [Role]),
    /// A console session of one of these roles.
    Console(&'static [Role]),
    /// The case of the resident's own session: resident A is let through; without a session, 303
    /// to this page.
    Own(&'static str),
    /// B's case or thing, named by someone without B's birth date: `without` for callers with no
    /// resident session, `resident` for resident A.
    Theirs { without: Answer, resident: Answer },
}

/// Public identity checks (JSON): B's case or thing with a birth date that is not B's.
const UNKNOWN: Rule = Theirs { without: Status(404), resident: Status(404) };

/// Every route, and who may call it. Order matters only for the last row: signing out ends
/// the sessions the rows before it use.
const TABLE: &[(&str, &str, Rule)] = &[
    // The resident's pages.
    ("get", "/", Open),
    ("get", "/lookup", Open),
    ("get", "/case", Own("/lookup")),
    ("post", "/case", Theirs { without: To("/lookup"), resident: To("/lookup") }),
    ("get", "/plea", Own("/lookup")),
    ("post", "/plea", Own("/lookup")),
    ("get", "/plea/review", Own("/lookup")),
    ("post", "/plea/submit", Own("/lookup")),
    ("get", "/plea/confirmation", Own("/status")),
    ("get", "/status", Open),
    ("post", "/status", Theirs { without: To("/status"), resident: To("/status") }),
    ("get", "/status/case", Own("/status")),
    ("post", "/status/letter", Theirs { without: To("/status"), resident: Status(404) }),
    ("get", "/status/hardship", Own("/status")),
    ("post", "/status/hardship", Own("/status")),
    ("get", "/status/offer/{id}/{answer}", Theirs { without: To("/status"), resident: To("/status/case") }),
    ("post", "/status/offer/{id}/{answer}", Theirs { without: To("/status"), resident: To("/status/case") }),
    // The console.
    ("get", "/staff", Console(READERS)),
    ("get", "/staff/sign-in", Open),
    ("post", "/staff/sign-in", Open),
    ("get", "/staff/admin/users", Console(ADMINS)),
    ("post", "/staff/admin/users", Console(ADMINS)),
    ("get", "/staff/admin/users/{id}", Console(ADMINS)),
    ("post", "/staff/admin/users/{id}/{action}", Console(ADMINS)),
    ("post", "/staff/admin/tokens/{id}/revoke", Console(ADMINS)),
    ("get", "/staff/admin/court", Console(ADMINS)),
    ("post", "/staff/admin/court/holidays", Console(ADMINS)),
    ("post", "/staff/admin/court/holidays/{day}/remove", Console(ADMINS)),
    ("get", "/staff/admin/letters", Console(ADMINS)),
    ("get", "/staff/admin/letters/{kind}/{lang}.pdf", Console(ADMINS)),
    ("get", "/staff/reports", Console(READERS)),
    ("get", "/staff/reports.csv", Console(READERS)),
    ("get", "/staff/cases", Console(READERS)),
    ("post", "/staff/cases", Console(READERS)),
    ("get", "/staff/cases/{number}", Console(READERS)),
    ("get", "/staff/cases/{number}/payments", Console(CLERKS)),
    ("post", "/staff/cases/{number}/payments", Console(CLERKS)),
    ("get", "/staff/payments/{id}/reverse", Console(CLERKS)),
    ("post", "/staff/payments/{id}/reverse", Console(CLERKS)),
    ("get", "/staff/queues/refunds", Console(CLERKS)),
    ("get", "/staff/queues/hardship", Console(CLERKS)),
    ("get", "/staff/hardship/{id}", Console(CLERKS)),
    ("post", "/staff/hardship/{id}/grant", Console(CLERKS)),
    ("post", "/staff/hardship/{id}/deny", Console(CLERKS)),
    ("get", "/staff/queues/offers", Console(PROSECUTORS)),
    ("get", "/staff/cases/{number}/offer", Console(PROSECUTORS)),
    ("post", "/staff/cases/{number}/offer", Console(PROSECUTORS)),
    ("post", "/staff/cases/{number}/offer/decline", Console(PROSECUTORS)),
    ("post", "/staff/offers/{id}/withdraw", Console(PROSECUTORS)),
    ("get", "/staff/evidence/{id}", Console(READERS)),
    ("get", "/staff/admin/offer-patterns", Console(ADMINS)),
    ("post", "/staff/admin/offer-patterns", Console(ADMINS)),
    ("post", "/staff/admin/offer-patterns/{id}/{action}", Console(ADMINS)),
    ("get", "/staff/letters/{id}/pdf", Console(READERS)),
    ("get", "/staff/queues/unmatched", Console(CLERKS)),
    ("get", "/staff/queues/deficient", Console(CLERKS)),
    ("get", "/staff/queues/duplicates", Console(CLERKS)),
    ("get", "/staff/queues/linked", Console(CLERKS)),
    ("get", "/staff/queues/envelopes", Console(CLERKS)),
    ("post", "/staff/submissions/{id}/link", Console(CLERKS)),
    ("post", "/staff/submissions/{id}/decide", Console(CLERKS)),
    ("get", "/staff/scans", Console(CLERKS)),
    ("post", "/staff/scans", Console(CLERKS)),
    ("get", "/staff/scans/separator.pdf", Console(CLERKS)),
    ("get", "/staff/scans/{document_id}", Console(CLERKS)),
    ("post", "/staff/scans/{document_id}/envelopes/{envelope}/move", Console(CLERKS)),
    ("get", "/staff/scans/{document_id}/original", Console(READERS)),
    ("get", "/staff/scans/{document_id}/pages/{page}", Console(READERS)),
    ("get", "/staff/scans/{document_id}/pages/{page}/image", Console(READERS)),
    ("get", "/staff/envelopes/{id}", Console(CLERKS)),
    ("post", "/staff/envelopes/{id}", Console(CLERKS)),
    ("post", "/staff/envelopes/{id}/not-a-plea", Console(CLERKS)),
    ("post", "/staff/envelopes/{id}/reopen", Console(CLERKS)),
    ("post", "/staff/envelopes/{id}/offer-slip", Console(CLERKS)),
    ("get", "/staff/pleas/new", Console(CLERKS)),
    ("post", "/staff/pleas/new", Console(CLERKS)),
    ("get", "/staff/pleas/{id}", Console(CLERKS)),
    // The JSON API.
    ("get", "/healthz", Open),
    // Allowed by address (PLEADESK_METRICS_ALLOW, default loopback, where the test runs), not by who calls.
    ("get", "/metrics", Open),
    ("get", "/api/v1/openapi.json", Open),
    ("post", "/api/v1/auth/login", Open),
    ("post", "/api/v1/auth/logout", Api(ANY_STAFF)),
    ("post", "/api/v1/citations/import", Api(IMPORTERS)),
    ("post", "/api/v1/citations/search", Api(READERS)),
    ("get", "/api/v1/citations/{number}", Api(READERS)),
    ("post", "/api/v1/citations/{number}/letters", Api(CLERKS)),
    ("post", "/api/v1/citations/{number}/payments", Api(CLERKS)),
    ("post", "/api/v1/payments/{id}/reverse", Api(CLERKS)),
    ("post", "/api/v1/citations/{number}/offers", Api(PROSECUTORS)),
    ("post", "/api/v1/offers/{id}/withdraw", Api(PROSECUTORS)),
    ("get", "/api/v1/letters", Api(READERS)),
    ("post", "/api/v1/letters/print-run", Api(CLERKS)),
    ("get", "/api/v1/letters/{id}/pdf", Api(READERS)),
    ("get", "/api/v1/submissions", Api(CLERKS)),
    ("post", "/api/v1/submissions", Api(CLERKS)),
    ("post", "/api/v1/submissions/{id}/link", Api(CLERKS)),
    ("post", "/api/v1/submissions/{id}/decide", Api(CLERKS)),
    ("post", "/api/v1/scans", Api(CLERKS)),
    ("get", "/api/v1/scans/separator.pdf", Api(CLERKS)),
    ("get", "/api/v1/scans/{document_id}", Api(CLERKS)),
    ("get", "/api/v1/scans/{document_id}/pages/{page}", Api(READERS)),
    ("post", "/api/v1/envelopes/{id}/pages/{page}/move", Api(CLERKS)),
    ("get", "/api/v1/jobs", Api(CLERKS)),
    ("post", "/api/v1/jobs/{id}/retry", Api(ADMINS)),
    ("get", "/api/v1/reports/summary", Api(READERS)),
    ("get", "/api/v1/reports/summary.csv", Api(READERS)),
    ("post", "/api/v1/public/lookup", UNKNOWN),
    ("post", "/api/v1/public/pleas", UNKNOWN),
    ("post", "/api/v1/public/status", UNKNOWN),
    ("post", "/api/v1/public/hardship", UNKNOWN),
    ("post", "/api/v1/public/offers/{id}/accept", UNKNOWN),
    ("post", "/api/v1/public/offers/{id}/reject", UNKNOWN),
    ("post", "/api/v1/public/letters/{id}/pdf", UNKNOWN),
    // Static files.
    ("get", "/static/{path:.+}", Open),
    ("head", "/static/{path:.+}", Open),
    ("get", "/favicon.ico", Open),
    ("head", "/favicon.ico", Open),
    // Last: it ends the console sessions.
    ("post", "/staff/sign-out", Open),
];

/// Console pages whose GET answers with a 303 to the page to work on.
const QUEUE_STARTS: &[&str] = &["/staff/queues/envelopes"];

/// The answer `who` must get on a route of `rule` (`Open` is judged against the anonymous answer).
fn expected(rule: Rule, who: Who) -> Answer {
    match (rule, who) {
        (Open, _) => Allowed,
        (Api(roles), Who::Token(role)) => {
            if roles.contains(&role) {
                Allowed
            } else {
                Status(403)
            }
        }
        (Api(_), _) => Status(401),
        (Console(roles), Who::Session(role)) => {
            if roles.contains(&role) {
                Allowed
            } else {
                Status(403)
            }
        }
        (Console(_), Who::ExpiredSession) => SignInEnded,
        (Console(_), _) => SignIn,
        (Own(_), Who::ResidentA) => Allowed,
        (Own(start), _) => To(start),
        (Theirs { resident, .. }, Who::ResidentA) => resident,
        (Theirs { without, .. }, _) => without,
    }
}

/// Whether an answer to `who` is `want`; what is wrong otherwise.
fn judge(rule: Rule, (method, path): (&str, &str), who: Who, want: Answer, got: &Got) -> Result<(), String> {
    let to = got.location.as_deref().unwrap_or("");
    let ok = match want {
        Allowed => {
            let refused = matches!(got.status, 401 | 403)
                || (got.status == 303 && to.starts_with("/staff/sign-in"))
                || got.status >= 500;
            let fine = match rule {
                Api(_) | Console(_) if method == "get" && QUEUE_STARTS.contains(&path) => {
                    got.status == 303 && to.starts_with("/staff/envelopes/")
                }
                Api(_) | Console(_) if method == "get" => got.status == 200,
                Own(start) => got.status < 400 && to != start,
                _ => true,
            };
            !refused && fine
        }
        Status(s) => {
            // A refused role is told which role it has.
            let names_role = match who {
                Who::Token(r) | Who::Session(r) => got.body.contains(&format!("({r})")),
                _ => false,
            };
            got.status == s
                && match (s, path.starts_with("/api/")) {
                    (401, true) => got.body.contains("\"code\":\"unauthorized\"") && got.www_authenticate,
                    (403, true) => got.body.contains("\"code\":\"forbidden\"") && names_role,
                    (403, false) => got.body.contains("You cannot open this page") && names_role,
                    _ => true,
                }
        }
        SignIn => got.status == 303 && to.starts_with("/staff/sign-in") && !to.contains("ended=1"),
        SignInEnded => got.status == 303 && to.starts_with("/staff/sign-in") && to.contains("ended=1"),
        To(page) => got.status == 303 && to == page,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("want {want:?}, got {} {to}", got.status))
    }
}

async fn the_matrix_holds_for_every_route_and_caller(app: TestApp) {
    let started = Instant::now();
    let keeper = crate::console::signed_in(&app, &app.staff(Role::Admin).await).await;
    let fx = fixtures(&app, &keeper).await;
    let callers = identities(&app, &fx, &keeper).await;
    let ready = started.elapsed();

    // The table holds the route table: no route without a row, no row without a route.
    let registered = pleadesk::web::route_list();
    let routes: BTreeSet<(String, String)> =
        registered.iter().map(|(m, p)| (m.as_str().to_ascii_lowercase(), p.to_string())).collect();
    assert_eq!(routes.len(), registered.len(), "a route is registered twice: {registered:?}");
    let rows: BTreeSet<(String, String)> = TABLE.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
    assert_eq!(rows.len(), TABLE.len(), "a route has two rows in TABLE");
    let mut wrong = Vec::new();
    for (method, path) in routes.difference(&rows) {
        wrong.push(format!("{method} {path}: a route without a row in TABLE: say who may call it"));
    }
    for (method, path) in rows.difference(&routes) {
        wrong.push(format!("{method} {path}: a row in TABLE for a route the server does not have"));
    }
    // The API document says which routes need a token, as the table does.
    let doc: serde_json::Value =
        app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            let row = TABLE.iter().find(|(m, p, _)| m == method && p == path);
            if secured != matches!(row, Some((_, _, Api(_)))) {
                wrong.push(format!("{method} {path}: the API document's security disagrees with TABLE"));
            }
            // …and answers 401 and 403 where the guard does: 403 only where a role is refused.
            if let Some((_, _, Api(roles))) = row {
                let documents = |status: &str| op["responses"].get(status).is_some();
                if !documents("401") || documents("403") != (roles.len() < ANY_STAFF.len()) {
                    wrong.push(format!("{method} {path}: the API document's 401/403 disagree with TABLE"));
                }
            }
        }
    }

    let private = [B_NAME, B_DOB, fx.b_confirmation.as_str()];
    for (method, path, rule) in TABLE.iter().filter(|(m, p, _)| routes.contains(&(m.to_string(), p.to_string()))) {
        let url = app.url(&fill(path, &fx));
        let mut open_answer = None;
        for caller in &callers {
            let got = call(caller, method, path, &url, &fx).await;
            let at = format!("{method} {path} as {:?}", caller.who);
            wrong.extend(got.header_problems.iter().map(|p| format!("{at}: {p}")));
            let want = expected(*rule, caller.who);
            let verdict = match rule {
                Open => {
                    let answer = (got.status, got.location.clone());
                    let first = open_answer.get_or_insert_with(|| answer.clone());
                    if got.status >= 500 {
                        Err(format!("got {}", got.status))
                    } else if *first != answer {
                        Err(format!("answers {answer:?}, the anonymous caller {first:?}"))
                    } else {
                        Ok(())
                    }
                }
                _ => judge(*rule, (method, path), caller.who, want, &got),
            };
            if let Err(e) = verdict {
                wrong.push(format!("{at}: {e}"));
            }
            let may_read = matches!((rule, want), (Api(_) | Console(_), Allowed));
            if !may_read {
                for secret in private.iter().filter(|s| got.body.contains(**s)) {
                    wrong.push(format!("{at}: the answer shows B's {secret:?}"));
                }
            }
        }
    }
    let (n_routes, n_callers) = (TABLE.len(), callers.len());
    eprintln!(
        "authorization matrix: {n_routes} routes × {n_callers} callers = {} requests in {:.1} s (set-up {:.1} s)",
        n_routes * n_callers,
        (started.elapsed() - ready).as_secs_f64(),
        ready.as_secs_f64()
    );
    assert!(wrong.is_empty(), "{} wrong answers:\n{}", wrong.len(), wrong.join("\n"));
}

on_both_backends!(the_matrix_holds_for_every_route_and_caller);
