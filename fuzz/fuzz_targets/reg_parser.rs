//! The `.reg` parser must turn any bytes into a document or an error: no panic, no hang, and
//! what it makes must serialize.
#![no_main]

use heat::harvest::RegHarvester;
use heat::{Context, Messages, Schema};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for schema in [Schema::V3, Schema::V4] {
        let mut cx = Context::new(schema, false, Messages::default());
        let path = std::path::Path::new("fuzz.reg");
        if let Ok(doc) = RegHarvester::default().harvest_bytes(&mut cx, data, path) {
            let text = heat::write::to_text(&doc, heat::write::Format::default());
            heat::read::parse(text.as_bytes()).expect("a harvest reads back");
        }
    }
});
