//! The WiX source schemas heat writes, and what heat's serializer takes from them: the order of
//! an element's attributes and of its children.

mod attr_order;
mod children;

use std::fmt;

/// The WiX source schema a document is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Schema {
    /// WiX v3: `http://schemas.microsoft.com/wix/2006/wi`.
    V3,
    /// WiX v4 and later: `http://wixtoolset.org/schemas/v4/wxs`.
    V4,
}

impl Schema {
    /// The schema's XML namespace.
    pub fn namespace(self) -> &'static str {
        match self {
            Schema::V3 => "http://schemas.microsoft.com/wix/2006/wi",
            Schema::V4 => "http://wixtoolset.org/schemas/v4/wxs",
        }
    }

    /// The schema whose namespace is `ns`, if any.
    pub fn from_namespace(ns: &str) -> Option<Schema> {
        [Schema::V3, Schema::V4]
            .into_iter()
            .find(|s| s.namespace() == ns)
    }

    /// The position of `attr` among the attributes of `element` as the schema declares them
    /// (`Id` first), which is the order heat writes them in; `None` for an attribute the
    /// schema does not declare on that element.
    pub fn attribute_rank(self, element: &str, attr: &str) -> Option<usize> {
        if attr == "Id" {
            return Some(0);
        }
        let table = match self {
            Schema::V3 => attr_order::V3,
            Schema::V4 => attr_order::V4,
        };
        let (_, attrs) = table.iter().find(|(e, _)| *e == element)?;
        attrs.iter().position(|a| *a == attr).map(|p| p + 1)
    }

    /// Where a `child` element goes among the children of a `parent` element, as heat's
    /// serializer writes them: children are grouped by type, the groups in the order the
    /// parent's content model names the types (heat's `ElementCollection`), so that a
    /// `Directory` writes its `Component`s before its `Directory`s. Children of equal rank keep
    /// the order they were added in. A type the content model does not name goes where it
    /// takes any element (`xs:any`), or last; every child of an element whose content model is
    /// unknown has rank 0.
    ///
    /// heat v4-v6 serialize with the classes of WiX v3's schema, renamed (v3's `Product` is
    /// v4's `Package`, v3's `Package` v4's `SummaryInformation`); a v4 `StandardDirectory`
    /// takes the place of a `DirectoryRef`.
    ///
    /// ```
    /// use heat::Schema;
    /// assert!(Schema::V3.child_rank("Directory", "Component") < Schema::V3.child_rank("Directory", "Directory"));
    /// assert!(Schema::V4.child_rank("Package", "Feature") < Schema::V4.child_rank("Package", "Media"));
    /// ```
    pub fn child_rank(self, parent: &str, child: &str) -> u16 {
        fn v3_name(schema: Schema, name: &str) -> &str {
            match (schema, name) {
                (Schema::V4, "Package") => "Product",
                (Schema::V4, "SummaryInformation") => "Package",
                (Schema::V4, "StandardDirectory") => "DirectoryRef",
                (Schema::V4, "ExePackagePayload" | "MsuPackagePayload") => "RemotePayload",
                _ => name,
            }
        }
        let (parent, child) = (v3_name(self, parent), v3_name(self, child));
        let Ok(i) = children::V3.binary_search_by(|(e, _)| (*e).cmp(parent)) else {
            return 0;
        };
        let types = children::V3[i].1;
        let at = |t: &str| types.iter().position(|c| *c == t);
        let rank = at(child).or_else(|| at("*")).unwrap_or(types.len());
        u16::try_from(rank).unwrap_or(u16::MAX)
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Schema::V3 => "WiX v3",
            Schema::V4 => "WiX v4",
        })
    }
}
