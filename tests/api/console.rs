//! The staff console over plain HTTP, as a browser without JavaScript uses it: sign-in with the
//! session cookie, the page guard (sign-in with a way back, 403 for a wrong role, the idle end),
//! CSRF on every form, the admin pages and the dashboard.

use crate::helpers::{StaffAccount, TestApp};
use crate::on_both_backends;
use crate::pages::{browser, csrf_of};
use crate::staff_auth::{event_count, events_after, login, with_config};
use pleadesk::domain::Role;

/// Signs `who` in on a fresh browser; returns it and the CSRF token of its forms.
pub(crate) async fn signed_in(app: &TestApp, who: &StaffAccount) -> (reqwest::Client, String) {
    let b = browser();
    let page = b.get(app.url("/staff/sign-in")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let r = b
        .post(app.url("/staff/sign-in"))
        .form(&[("csrf", csrf.as_str()), ("username", &who.name), ("password", &who.password)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{:?}", r.text().await);
    assert_eq!(r.headers()["location"], "/staff");
    (b, csrf)
}

pub(crate) fn location(r: &reqwest::Response) -> String {
    assert_eq!(r.status(), 303);
    r.headers()["location"].to_str().unwrap().to_string()
}

/// A page's status and HTML, with the `/` that HTML escaping writes as `&#x2f;` put back.
pub(crate) async fn text(b: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = b.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap().replace("&#x2f;", "/"))
}

async fn the_session_cookie_is_http_only_strict_and_ended_by_sign_out(app: TestApp) {
    let clerk = app.staff(Role::Clerk).await;
    let b = browser();
    let page = b.get(app.url("/staff/sign-in")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let r = b
        .post(app.url("/staff/sign-in"))
        .form(&[("csrf", csrf.as_str()), ("username", &clerk.name), ("password", &clerk.password)])
        .send()
        .await
        .unwrap();
    let cookie =
        r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).find(|c| c.starts_with("pd_staff="));
    let cookie = cookie.expect("the session cookie").to_string();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http here: {cookie}");
    assert!(!r.headers()["location"].to_str().unwrap().contains(&clerk.password));
    let (status, dashboard) = text(&b, &app, "/staff").await;
    assert_eq!(status, 200);
    assert!(dashboard.contains(&clerk.name) && dashboard.contains("Sign out"));
    assert!(dashboard.contains("usa-skipnav") && !dashboard.contains("/staff/admin/users"), "a clerk's menu");
    // Sign-out: the session ends on the server and the cookie is cleared.
    let before = event_count(&app).await;
    let out = b.post(app.url("/staff/sign-out")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(location(&out), "/staff/sign-in?signed_out=1");
    assert!(location(&b.get(app.url("/staff")).send().await.unwrap()).starts_with("/staff/sign-in"));
    let got = events_after(&app, before).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, "staff.signed_out");
}

async fn the_session_cookie_is_secure_behind_https(app: TestApp) {
    let clerk = app.staff(Role::Clerk).await;
    let b = browser();
    let page = b.get(app.url("/staff/sign-in")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&page);
    let r = b
        .post(app.url("/staff/sign-in"))
        .form(&[("csrf", csrf.as_str()), ("username", &clerk.name), ("password", &clerk.password)])
        .send()
        .await
        .unwrap();
    let cookies: Vec<&str> = r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    let session = cookies.iter().find(|c| c.starts_with("pd_staff=")).expect("the session cookie");
    assert!(
        session.contains("Secure") && session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );
}
with_config!(the_session_cookie_is_secure_behind_https, &[("PLEADESK_BASE_URL", "https://court.example.org")]);

async fn pages_send_strangers_to_sign_in_and_back_and_refuse_wrong_roles(app: TestApp) {
    let b = browser();
    let r = b.get(app.url("/staff/admin/users?x=1")).send().await.unwrap();
    assert_eq!(location(&r), "/staff/sign-in?next=%2Fstaff%2Fadmin%2Fusers%3Fx%3D1");
    assert_eq!(location(&b.get(app.url("/staff")).send().await.unwrap()), "/staff/sign-in");
    // Sign-in returns to the page asked for; an address elsewhere is not followed.
    let admin = app.staff(Role::Admin).await;
    let page = text(&b, &app, "/staff/sign-in?next=%2Fstaff%2Fadmin%2Fusers").await.1;
    assert!(page.contains("name=\"next\" value=\"/staff/admin/users\""));
    let csrf = csrf_of(&page);
    for (next, to) in [
        ("https://evil.example/staff", "/staff"),
        ("//evil.example", "/staff"),
        ("/staff/admin/users", "/staff/admin/users"),
    ] {
        let r = b
            .post(app.url("/staff/sign-in"))
            .form(&[("csrf", csrf.as_str()), ("username", &admin.name), ("password", &admin.password), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(location(&r), to, "next={next}");
    }
    // A clerk may not open the admin pages: a 403 page, in the console's frame.
    let clerk = app.staff(Role::Clerk).await;
    let (cb, _) = signed_in(&app, &clerk).await;
    let r = cb.get(app.url("/staff/admin/users")).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let body = r.text().await.unwrap();
    assert!(body.contains("You cannot open this page") && body.contains("(clerk)") && body.contains(&clerk.name));
}

async fn a_staff_form_without_its_csrf_token_changes_nothing(app: TestApp) {
    let admin = app.staff(Role::Admin).await;
    let (b, csrf) = signed_in(&app, &admin).await;
    let before = event_count(&app).await;
    for form in [
        vec![("username", "mallory"), ("role", "admin")],
        vec![("csrf", "0".repeat(64).leak() as &str), ("username", "mallory"), ("role", "admin")],
    ] {
        let r = b.post(app.url("/staff/admin/users")).form(&form).send().await.unwrap();
        assert_eq!(r.status(), 403);
        assert!(r.text().await.unwrap().contains("This form has expired"));
    }
    let r = b.post(app.url(&format!("/staff/admin/users/{}/reset-password", admin.id))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    // Sign-in and sign-out forms too.
    let r = browser()
        .post(app.url("/staff/sign-in"))
        .form(&[("username", &admin.name), ("password", &admin.password)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(event_count(&app).await, before, "nothing happened");
    assert_eq!(login(&app, &admin.name, &admin.password).await.status(), 200, "the password is unchanged");
    let (status, list) = text(&b, &app, "/staff/admin/users").await;
    assert_eq!(status, 200);
    assert!(!list.contains("mallory"));
    // With the token it works.
    let r = b
        .post(app.url("/staff/admin/users"))
        .form(&[("csrf", csrf.as_str()), ("username", "mallory"), ("role", "clerk")])
        .send()
        .await
        .unwrap();
    assert!(location(&r).starts_with("/staff/admin/users/"));
}

async fn after_the_idle_limit_a_page_says_so_and_sign_in_returns_to_it(app: TestApp) {
    let admin = app.staff(Role::Admin).await;
    let (b, _) = signed_in(&app, &admin).await;
    actix_web::rt::time::sleep(std::time::Duration::from_secs(4)).await;
    let r = b.get(app.url("/staff/admin/users")).send().await.unwrap();
    let to = location(&r);
    assert_eq!(to, "/staff/sign-in?next=%2Fstaff%2Fadmin%2Fusers&ended=1");
    let (status, page) = text(&b, &app, &to).await;
    assert_eq!(status, 200);
    assert!(page.contains("Your session ended") && page.contains("after 3 seconds without activity"), "{page}");
    let csrf = csrf_of(&page);
    let r = b
        .post(app.url("/staff/sign-in"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", &admin.name),
            ("password", &admin.password),
            ("next", "/staff/admin/users"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/staff/admin/users");
    assert_eq!(text(&b, &app, "/staff/admin/users").await.0, 200);
}
with_config!(after_the_idle_limit_a_page_says_so_and_sign_in_returns_to_it, crate::staff_auth::SHORT_IDLE);

async fn the_sign_in_page_tells_a_locked_account_until_when(app: TestApp) {
    let clerk = app.staff(Role::Clerk).await;
    let b = browser();
    let csrf = csrf_of(&b.get(app.url("/staff/sign-in")).send().await.unwrap().text().await.unwrap());
    let mut last = (0, String::new());
    for password in ["a", "b", "c", "d", "e", clerk.password.as_str()] {
        let r = b
            .post(app.url("/staff/sign-in"))
            .form(&[("csrf", csrf.as_str()), ("username", &clerk.name), ("password", password)])
            .send()
            .await
            .unwrap();
        last = (r.status().as_u16(), r.text().await.unwrap());
    }
    assert_eq!(last.0, 423);
    assert!(last.1.contains("This account is locked after 5 failed sign-ins in a row. Try again after"), "{}", last.1);
    assert!(!last.1.contains(&clerk.password));
}

on_both_backends!(
    the_session_cookie_is_http_only_strict_and_ended_by_sign_out,
    pages_send_strangers_to_sign_in_and_back_and_refuse_wrong_roles,
    a_staff_form_without_its_csrf_token_changes_nothing,
    the_sign_in_page_tells_a_locked_account_until_when,
);
