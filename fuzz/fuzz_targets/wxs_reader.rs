//! The `.wxs` reader must turn any bytes into a document or an error: no panic, no hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = heat::xml::parse(data) {
        // What was read can be written again, and read back to the same text.
        let text = heat::xml::to_text(&doc, heat::xml::Format::default());
        let again = heat::xml::parse(text.as_bytes()).expect("written text reads back");
        assert_eq!(heat::xml::to_text(&again, heat::xml::Format::default()), text);
    }
});
