//! The JavaScript host's copy of the facts is exactly what the owner writes.

use std::path::Path;

#[test]
fn generated_javascript_facts_are_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/src/spec.generated.mjs");
    let want = rvf_spec::facts::javascript_module();
    if std::env::var_os("RVF_UPDATE_FACTS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is not what rvf-spec writes: run `RVF_UPDATE_FACTS=1 cargo test -p rvf-spec` and commit it",
        path.display()
    );
}
