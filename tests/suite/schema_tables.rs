//! The schema tables the library keeps are generated from WiX's own XSD, and this test checks
//! that they still are: `src/wix/schema/children.rs` lists, for each element, the types of its child
//! elements in the order heat's serializer writes them.
//!
//! heat's serialization classes (WiX v3's `Wix.cs`, made by its XsdGen tool from `wix.xsd`;
//! heat v4-v6's `Serialize/wix.cs`, the same classes renamed) keep a parent's children in an
//! `ElementCollection`: one list per child type, in the order the element's content model names
//! the types (depth first through nested `xs:choice` and `xs:sequence`; `xs:any` is a list that
//! takes any element), and they write the lists one after the other. So a `Directory` writes
//! its `Component`s before its `Directory`s, whatever order they were added in.
//!
//! `SNAPSHOTS=overwrite cargo test --test suite schema_tables` rewrites the file.

use std::fmt::Write as _;

use quick_xml::events::Event;

const GENERATED: &str = "src/wix/schema/children.rs";

/// For each element with an inline content model: the child types in order, `*` for `xs:any`.
fn child_order(xsd: &str) -> Vec<(String, Vec<String>)> {
    let mut reader = quick_xml::Reader::from_str(xsd);
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    // The element being read (a top-level `xs:element`), and how deep its content model is.
    let mut current: Option<(String, Vec<String>)> = None;
    let mut depth = 0usize;
    // Depth of the open xs:choice/xs:sequence elements of the content model, and of open
    // annotations, whose contents are documentation.
    let mut groups = 0usize;
    let mut in_annotation = 0usize;
    loop {
        let event = reader.read_event().expect("the schema is well-formed");
        match event {
            Event::Start(_) if in_annotation > 0 => in_annotation += 1,
            Event::Empty(_) if in_annotation > 0 => {}
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.name().0.to_owned();
                let attr = |key: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.0 == key)
                        .map(|a| a.value.to_string())
                };
                if name == "xs:annotation" {
                    if !empty {
                        in_annotation = 1;
                    }
                    continue;
                }
                if !empty {
                    depth += 1;
                }
                match name.as_str() {
                    // A top-level element declaration (the schema element is depth 1).
                    "xs:element" if depth == 2 && !empty => {
                        current = attr("name").map(|n| (n, Vec::new()));
                        groups = 0;
                    }
                    "xs:choice" | "xs:sequence" if current.is_some() && !empty => groups += 1,
                    "xs:element" if groups > 0 => {
                        let r = attr("ref").expect("content models name elements by ref");
                        current.as_mut().unwrap().1.push(r);
                    }
                    "xs:any" if groups > 0 => current.as_mut().unwrap().1.push("*".to_owned()),
                    _ => {}
                }
            }
            Event::End(ref e) => {
                if in_annotation > 0 {
                    in_annotation -= 1;
                    continue;
                }
                match e.name().0 {
                    "xs:choice" | "xs:sequence" if current.is_some() && groups > 0 => groups -= 1,
                    "xs:element" if depth == 2 => {
                        if let Some((n, kids)) = current.take() {
                            if !kids.is_empty() {
                                out.push((n, kids));
                            }
                        }
                    }
                    _ => {}
                }
                depth -= 1;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out.sort();
    out
}

fn generate() -> String {
    let xsd = std::fs::read_to_string(kit::testdata("schemas/wix3.xsd")).unwrap();
    let table = child_order(&xsd);
    let mut s = String::new();
    s.push_str(
        "//! Generated from `testdata/schemas/wix3.xsd` by `tests/schema_tables.rs`\n\
         //! (`SNAPSHOTS=overwrite cargo test --test schema_tables`); do not edit.\n\
         //!\n\
         //! For each WiX v3 element with child elements: the types of its children in the order\n\
         //! heat's serializer writes them, `*` standing for `xs:any` (any other element).\n\n\
         /// Child types per element, sorted by element name.\n\
         #[rustfmt::skip]\n\
         pub(crate) const V3: &[(&str, &[&str])] = &[\n",
    );
    for (element, children) in &table {
        write!(s, "    (\"{element}\", &[").unwrap();
        for (i, c) in children.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            write!(s, "\"{c}\"").unwrap();
        }
        s.push_str("]),\n");
    }
    s.push_str("];\n");
    s
}

#[test]
fn child_order_table_is_generated_from_the_schema() {
    kit::snapshot(&kit::project_dir().join(GENERATED), generate().as_bytes());
}

#[test]
fn the_generator_reads_nested_groups_and_any() {
    let xsd = r###"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="A">
    <xs:annotation><xs:documentation><xs:element ref="Nope" /></xs:documentation></xs:annotation>
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="B" />
        <xs:choice><xs:element ref="C" /><xs:any namespace="##other" /></xs:choice>
        <xs:element ref="D" />
      </xs:sequence>
      <xs:attribute name="Id" />
    </xs:complexType>
  </xs:element>
  <xs:element name="B" />
</xs:schema>"###;
    assert_eq!(
        child_order(xsd),
        [(
            "A".to_owned(),
            ["B", "C", "*", "D"].map(String::from).to_vec()
        )]
    );
}

/// The v3 name of a heat v4-v6 element (heat v4's classes are v3's, renamed).
fn v3_name(v4: bool, name: &str) -> &str {
    match (v4, name) {
        (true, "Package") => "Product",
        (true, "SummaryInformation") => "Package",
        (true, "StandardDirectory") => "DirectoryRef",
        _ => name,
    }
}

/// Every golden output writes each element's children grouped by type in the order the schema
/// names the types, as heat's serializer does.
#[test]
fn golden_outputs_keep_children_in_schema_order() {
    let xsd = std::fs::read_to_string(kit::testdata("schemas/wix3.xsd")).unwrap();
    let table: std::collections::HashMap<String, Vec<String>> =
        child_order(&xsd).into_iter().collect();
    let mut checked = 0;
    for dir in ["golden", "update", "reg"] {
        for entry in std::fs::read_dir(kit::testdata(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "wxs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let v4 = text.contains("http://wixtoolset.org/schemas/v4/wxs");
            let mut reader = quick_xml::Reader::from_str(&text);
            // For each open element: its name and the rank of its last child so far.
            let mut open: Vec<(String, usize)> = Vec::new();
            loop {
                match reader.read_event().unwrap() {
                    event @ (Event::Start(_) | Event::Empty(_)) => {
                        let (Event::Start(e) | Event::Empty(e)) = &event else {
                            unreachable!()
                        };
                        let name = e.name().0.to_owned();
                        if let Some((parent, last)) = open.last_mut() {
                            if let Some(types) = table.get(v3_name(v4, parent)) {
                                let child = v3_name(v4, &name);
                                let at = |t: &str| types.iter().position(|c| c == t);
                                let rank = at(child).or_else(|| at("*")).unwrap_or(types.len());
                                assert!(
                                    rank >= *last,
                                    "{}: <{name}> after a later type in <{parent}>",
                                    path.display()
                                );
                                *last = rank;
                                checked += 1;
                            }
                        }
                        if matches!(event, Event::Start(_)) {
                            open.push((name, 0));
                        }
                    }
                    Event::End(_) => {
                        open.pop();
                    }
                    Event::Eof => break,
                    _ => {}
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} elements checked");
}
