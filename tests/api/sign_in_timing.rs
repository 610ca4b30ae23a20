//! A failed sign-in takes as long for a name that does not exist as for a known name with a
//! wrong password: both run argon2 once (an unknown name against a dummy hash made at start-up).
//! The test counts the argon2 checks of a password made up for it (`pleadesk::auth::checks`),
//! not the clock; `cargo bench --bench sign_in` measures the time and prints the figures.

use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::staff_auth::login;
use pleadesk::auth::checks;
use pleadesk::domain::Role;

/// A password nobody has, watched from now on.
fn probe() -> String {
    let p = format!("probe-{}", hex::encode(rand::random::<[u8; 12]>()));
    checks::watch(&p);
    p
}

/// Signs in on the console's form with `username` and `password`; the answer's status.
async fn console_sign_in(app: &TestApp, username: &str, password: &str) -> u16 {
    let b = crate::pages::browser();
    let page = b.get(app.url("/staff/sign-in")).send().await.unwrap().text().await.unwrap();
    let csrf = crate::pages::csrf_of(&page);
    let form = [("csrf", csrf.as_str()), ("username", username), ("password", password)];
    b.post(app.url("/staff/sign-in")).form(&form).send().await.unwrap().status().as_u16()
}

async fn every_failed_sign_in_runs_argon2_once(app: TestApp) {
    let known = app.staff(Role::Clerk).await;
    let disabled = app.staff(Role::Clerk).await;
    let id = disabled.id;
    app.with_db(move |c| pleadesk::services::staff_admin::set_disabled(c, id, true, "test").unwrap()).await;
    let long_name = "n".repeat(150);
    for (what, name) in [
        ("an unknown name", "nobody-by-this-name"),
        ("a known name", known.name.as_str()),
        ("a disabled account", disabled.name.as_str()),
        ("a name too long to look up", long_name.as_str()),
    ] {
        let password = probe();
        assert_eq!(login(&app, name, &password).await.status(), 401, "{what}");
        assert_eq!(checks::of(&password), Some(1), "the API's sign-in with {what} runs argon2 once");
        let password = probe();
        assert_eq!(console_sign_in(&app, name, &password).await, 401, "{what}");
        assert_eq!(checks::of(&password), Some(1), "the console's sign-in with {what} runs argon2 once");
    }
}

on_both_backends!(every_failed_sign_in_runs_argon2_once);
