//! The `.reg` parser must turn any bytes into a document or an error: no panic, no hang, and
//! what it makes must serialize.
#![no_main]

use heat::harvest::RegHarvester;
use heat::extension::Context;
use heat::{Messages, Schema};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for schema in [Schema::V3, Schema::V4] {
        let mut cx = Context::new(schema, false, Messages::default());
        let path = std::path::Path::new("fuzz.reg");
        if let Ok(doc) = RegHarvester::default().harvest_bytes(&mut cx, data, path) {
            let text = heat::xml::to_text(&doc, heat::xml::Format::default());
            heat::xml::parse(text.as_bytes()).expect("a harvest reads back");
        }
    }
});
