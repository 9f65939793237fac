//! The library's API as an extension author uses it: mutators and text mutators added through
//! [`Configure`], run by [`Heat`] like heat's own.

use std::cell::Cell;
use std::rc::Rc;

use heat::extension::{mutator, sequence, text_mutator, Configure, Extension};
use heat::{Heat, Outcome};

/// An extension that adds one document mutator and one text mutator, counting their calls.
struct Marks {
    text_calls: Rc<Cell<u32>>,
}

impl Extension for Marks {
    fn name(&self) -> &str {
        "marks"
    }

    fn configure(&self, run: &mut Configure<'_>) -> heat::Result<()> {
        let calls = self.text_calls.clone();
        run.add_text_mutator(text_mutator(
            "stamp",
            sequence::MAIN + 10,
            move |_, wxs: String| {
                calls.set(calls.get() + 1);
                Ok(wxs.replace("<Wix ", "<!-- stamped -->\n<Wix "))
            },
        ));
        run.add_mutator(mutator(
            "rename-group",
            sequence::MAIN + 1,
            |_, doc: &mut heat::Document| {
                let group = doc.elements_named("ComponentGroup").next().unwrap();
                doc.set_attr(group, "Id", "Renamed");
                Ok(())
            },
        ));
        Ok(())
    }
}

/// A text mutator needs nothing but registering: it runs, once, and its text is the output.
#[test]
fn text_mutators_added_through_the_api_run() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("App");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(app.join("a.txt"), "a").unwrap();
    let out = tmp.path().join("out.wxs");
    let calls = Rc::new(Cell::new(0));
    let args: Vec<String> = [
        "dir",
        app.to_str().unwrap(),
        "-cg",
        "G",
        "-o",
        out.to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let outcome = Heat::new()
        .with_extension(Marks {
            text_calls: calls.clone(),
        })
        .run(&args)
        .unwrap();
    assert!(matches!(outcome, Outcome::Harvest(_)));
    assert_eq!(calls.get(), 1);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("<!-- stamped -->\n<Wix "), "{text}");
    assert!(text.contains(r#"<ComponentGroup Id="Renamed">"#), "{text}");
}
