//! The manifest parser never panics: any text is a manifest or an error with a line inside
//! the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use skillforge::blueprint::Manifest;
use skillforge::error::Error;

fuzz_target!(|text: &str| {
    match Manifest::parse("fuzz/blueprint.toml", text) {
        Ok(_) => {}
        Err(Error::Manifest { line, .. }) => assert!(line >= 1 && line <= text.lines().count().max(1) + 1),
        Err(other) => panic!("unexpected error kind: {other}"),
    }
});
