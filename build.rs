// Migrations are embedded by `sqlx::migrate!`; rebuild when they change, even when no
// Rust file did (a cached build would otherwise ship yesterday's schema).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
