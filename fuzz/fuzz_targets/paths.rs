//! Whatever a rendered path is, an accepted one stays strictly inside the destination.
#![no_main]

use std::path::{Component, Path};

use libfuzzer_sys::fuzz_target;
use skillforge::render::safe_relative;

fuzz_target!(|path: &str| {
    if let Ok(safe) = safe_relative(path, "fuzz") {
        let root = Path::new("/dest");
        let joined = safe.join_to(root);
        assert!(joined.starts_with(root) && joined != root, "{path:?} escaped to {joined:?}");
        assert!(
            joined.components().skip(2).all(|c| matches!(c, Component::Normal(_))),
            "{path:?} has a non-normal component in {joined:?}"
        );
        assert!(
            !safe.as_str().split('/').any(|c| c.eq_ignore_ascii_case(".git")),
            "{path:?} writes a .git folder"
        );
    }
});
