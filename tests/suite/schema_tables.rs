//! The schema tables the library keeps are generated from WiX's own XSDs, and these tests check
//! that they still are: `src/wix/schema/children.rs` lists, for each element, the types of its
//! child elements in the order heat's serializer writes them, and `src/wix/schema/attr_order.rs`
//! the order of the attributes of the elements heat writes.
//!
//! heat's serialization classes (WiX v3's `Wix.cs`, made by its XsdGen tool from `wix.xsd`;
//! heat v4-v6's `Serialize/wix.cs`, the same classes renamed) keep a parent's children in an
//! `ElementCollection`: one list per child type, in the order the element's content model names
//! the types (depth first through nested `xs:choice` and `xs:sequence`; `xs:any` is a list that
//! takes any element), and they write the lists one after the other. So a `Directory` writes
//! its `Component`s before its `Directory`s, whatever order they were added in. The same
//! classes write an element's attributes in the order the schema declares them.
//!
//! `SNAPSHOTS=overwrite cargo test --test suite schema_tables` rewrites the files.

use std::collections::BTreeMap;
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

fn generate_children() -> String {
    let xsd = std::fs::read_to_string(kit::testdata("schemas/wix3.xsd")).unwrap();
    let table = child_order(&xsd);
    let mut s = String::new();
    // The header still names the test as it was before the tests became one binary
    // (`tests/suite`): `src/wix/schema/children.rs` is to change with the library's sources.
    s.push_str(
        "//! Generated from `testdata/schemas/wix3.xsd` by `tests/schema_tables.rs`\n\
         //! (`SNAPSHOTS=overwrite cargo test --test suite schema_tables`); do not edit.\n\
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
    kit::snapshot(
        &kit::project_dir().join(GENERATED),
        generate_children().as_bytes(),
    );
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

/// The attributes an element's `xs:complexType` declares (`xs:attribute name=`, also inside an
/// `xs:simpleContent` or `xs:complexContent` extension or restriction), in order, and what else
/// its declaration holds that would add attributes this reader does not follow (an attribute
/// group, an attribute by reference, a named type).
#[derive(Debug, Default, PartialEq)]
struct Attributes {
    names: Vec<String>,
    not_followed: Vec<String>,
}

/// The attributes of every top-level element of `xsd`, by element name.
fn attribute_order(xsd: &str) -> BTreeMap<String, Attributes> {
    let mut reader = quick_xml::Reader::from_str(xsd);
    let mut out = BTreeMap::new();
    // The open elements (`xs:schema` first), and the top-level element being read.
    let mut open: Vec<String> = Vec::new();
    let mut current: Option<(String, Attributes)> = None;
    let mut in_annotation = 0usize;
    loop {
        let event = reader.read_event().expect("the schema is well-formed");
        match event {
            Event::Start(_) if in_annotation > 0 => in_annotation += 1,
            Event::Empty(_) if in_annotation > 0 => {}
            Event::Start(ref e) | Event::Empty(ref e) => {
                let name = e.name().0.to_owned();
                let attr = |key: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.0 == key)
                        .map(|a| a.value.to_string())
                };
                let empty = matches!(event, Event::Empty(_));
                if name == "xs:annotation" {
                    if !empty {
                        in_annotation = 1;
                    }
                    continue;
                }
                // Where this element stands below the top-level element, if inside one.
                let below: Vec<&str> = open.iter().skip(2).map(String::as_str).collect();
                let on_the_type = matches!(
                    below.as_slice(),
                    ["xs:complexType"]
                        | [
                            "xs:complexType",
                            "xs:simpleContent" | "xs:complexContent",
                            "xs:extension" | "xs:restriction"
                        ]
                );
                match name.as_str() {
                    "xs:element" if open.len() == 1 => {
                        let element = attr("name").expect("top-level elements have a name");
                        let mut attributes = Attributes::default();
                        if let Some(t) = attr("type") {
                            attributes.not_followed.push(format!("type {t}"));
                        }
                        if empty {
                            out.insert(element, attributes);
                        } else {
                            current = Some((element, attributes));
                        }
                    }
                    "xs:attribute" if on_the_type => {
                        let (_, attributes) = current.as_mut().unwrap();
                        match attr("name") {
                            Some(n) => attributes.names.push(n),
                            None => attributes
                                .not_followed
                                .push(format!("attribute ref {}", attr("ref").unwrap_or_default())),
                        }
                    }
                    "xs:attributeGroup" if on_the_type => {
                        let (_, attributes) = current.as_mut().unwrap();
                        attributes.not_followed.push(format!(
                            "attributeGroup {}",
                            attr("ref").unwrap_or_default()
                        ));
                    }
                    _ => {}
                }
                if !empty {
                    open.push(name);
                }
            }
            Event::End(_) if in_annotation > 0 => in_annotation -= 1,
            Event::End(_) => {
                open.pop();
                if open.len() == 1 {
                    if let Some((element, attributes)) = current.take() {
                        out.insert(element, attributes);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

const ATTR_ORDER: &str = "src/wix/schema/attr_order.rs";

/// The elements whose attribute order the library keeps, per schema: those heat writes, in
/// the order the table lists them.
const ATTR_ORDER_V3: &[&str] = &[
    "Wix",
    "Payload",
    "PayloadGroup",
    "PayloadGroupRef",
    "Product",
    "Module",
    "Fragment",
    "Package",
    "Property",
    "File",
    "MultiStringValue",
    "RegistryKey",
    "RegistryValue",
    "RemoveRegistryKey",
    "RemoveRegistryValue",
    "RemoveFile",
    "RemoveFolder",
    "CreateFolder",
    "Condition",
    "Component",
    "ComponentGroup",
    "ComponentGroupRef",
    "ComponentRef",
    "Directory",
    "DirectoryRef",
    "Feature",
    "FeatureRef",
    "Media",
    "MediaTemplate",
];

/// As [`ATTR_ORDER_V3`], for v4 and later (heat v4-v6 write `Package`, `SummaryInformation`
/// and `StandardDirectory` where v3 wrote `Product`, `Package` and a `DirectoryRef`; there is
/// no `Condition` element).
const ATTR_ORDER_V4: &[&str] = &[
    "Wix",
    "Payload",
    "PayloadGroup",
    "PayloadGroupRef",
    "Package",
    "Module",
    "Fragment",
    "SummaryInformation",
    "Property",
    "File",
    "MultiStringValue",
    "RegistryKey",
    "RegistryValue",
    "RemoveRegistryKey",
    "RemoveRegistryValue",
    "RemoveFile",
    "RemoveFolder",
    "CreateFolder",
    "Component",
    "ComponentGroup",
    "ComponentGroupRef",
    "ComponentRef",
    "Directory",
    "DirectoryRef",
    "StandardDirectory",
    "Feature",
    "FeatureRef",
    "Media",
    "MediaTemplate",
];

/// One table of `attr_order.rs`: `elements`' attributes as `xsd` declares them.
fn attr_order_table(s: &mut String, name: &str, doc: &str, xsd: &str, elements: &[&str]) {
    let declared = attribute_order(&std::fs::read_to_string(kit::testdata(xsd)).unwrap());
    writeln!(
        s,
        "/// {doc}\n#[rustfmt::skip]\npub(crate) const {name}: &[(&str, &[&str])] = &["
    )
    .unwrap();
    for element in elements {
        let attributes = declared
            .get(*element)
            .unwrap_or_else(|| panic!("{xsd} declares no element {element}"));
        assert!(
            attributes.not_followed.is_empty(),
            "{xsd}: {element} takes attributes from {:?}, which the generator does not follow",
            attributes.not_followed
        );
        let names: Vec<String> = attributes
            .names
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect();
        writeln!(s, "    (\"{element}\", &[{}]),", names.join(", ")).unwrap();
    }
    s.push_str("];\n");
}

fn generate_attr_order() -> String {
    let mut s = String::from(
        "//! Generated from `testdata/schemas/wix3.xsd` (WiX v3.14.1) and `testdata/schemas/wix4.xsd`\n\
         //! (WiX v6.0.2) by `tests/suite/schema_tables.rs`\n\
         //! (`SNAPSHOTS=overwrite cargo test --test suite schema_tables`); do not edit.\n\
         //!\n\
         //! For each element heat writes: its attributes in the order the schema declares them,\n\
         //! which is the order heat's serializer writes them in.\n\n",
    );
    attr_order_table(
        &mut s,
        "V3",
        "Attribute order per element in the v3 schema.",
        "schemas/wix3.xsd",
        ATTR_ORDER_V3,
    );
    s.push('\n');
    attr_order_table(
        &mut s,
        "V4",
        "Attribute order per element in the v4 schema.",
        "schemas/wix4.xsd",
        ATTR_ORDER_V4,
    );
    s
}

#[test]
fn attribute_order_table_is_generated_from_the_schemas() {
    kit::snapshot(
        &kit::project_dir().join(ATTR_ORDER),
        generate_attr_order().as_bytes(),
    );
}

#[test]
fn the_attribute_reader_takes_the_types_own_attributes() {
    let xsd = r###"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="A">
    <xs:annotation><xs:documentation><xs:attribute name="Nope" /></xs:documentation></xs:annotation>
    <xs:complexType>
      <xs:sequence>
        <xs:element name="Local">
          <xs:complexType><xs:attribute name="Inner" /></xs:complexType>
        </xs:element>
      </xs:sequence>
      <xs:attribute name="Id"><xs:annotation><xs:documentation>x</xs:documentation></xs:annotation></xs:attribute>
      <xs:attribute name="Name" type="xs:string" />
      <xs:anyAttribute namespace="##other" />
    </xs:complexType>
  </xs:element>
  <xs:element name="B">
    <xs:complexType>
      <xs:simpleContent>
        <xs:extension base="xs:string"><xs:attribute name="Value" /><xs:attribute name="Type" /></xs:extension>
      </xs:simpleContent>
    </xs:complexType>
  </xs:element>
  <xs:element name="C">
    <xs:complexType><xs:attributeGroup ref="G" /><xs:attribute ref="xml:lang" /></xs:complexType>
  </xs:element>
  <xs:element name="D" />
  <xs:element name="E" type="T" />
</xs:schema>"###;
    let got = attribute_order(xsd);
    let names = |e: &str| got[e].names.clone();
    assert_eq!(names("A"), ["Id", "Name"]);
    assert_eq!(names("B"), ["Value", "Type"]);
    assert!(names("C").is_empty() && names("D").is_empty() && names("E").is_empty());
    assert!(got["A"].not_followed.is_empty() && got["B"].not_followed.is_empty());
    assert_eq!(
        got["C"].not_followed,
        ["attributeGroup G", "attribute ref xml:lang"]
    );
    assert_eq!(got["E"].not_followed, ["type T"]);
    assert!(!got.contains_key("Local"));
}
