// Lets the integration tests know at compile time whether PostgreSQL was asked for, so that the
// PostgreSQL half of the suite shows as "ignored" (with the reason) instead of silently passing.
fn main() {
    println!("cargo:rustc-check-cfg=cfg(pg_tests)");
    println!("cargo:rerun-if-env-changed=PLEADESK_TEST_PG");
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("PLEADESK_TEST_PG").is_ok_and(|v| !v.trim().is_empty()) {
        println!("cargo:rustc-cfg=pg_tests");
    }
}
