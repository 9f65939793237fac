//! The WiX document that harvesters build, mutators change and the writer serializes.
//!
//! A [`Document`] is a tree of elements held in one arena and addressed by [`NodeId`]
//! handles, in the spirit of heat's own serialization classes: every element has a name, its
//! attributes in order and its child elements. heat's output has no text content, so neither
//! does the model.

mod attr_order;

use std::borrow::Cow;
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
}

/// A handle to an element of a [`Document`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(u32);

/// A name of an element or attribute: static for the names heat uses, owned otherwise.
pub type Name = Cow<'static, str>;

#[derive(Debug, Clone)]
struct Node {
    name: Name,
    attrs: Vec<(Name, String)>,
    parent: Option<NodeId>,
    children: Vec<NodeId>,
}

/// A WiX source document: a `Wix` root element and the elements under it.
#[derive(Debug, Clone)]
pub struct Document {
    schema: Schema,
    nodes: Vec<Node>,
}

impl Document {
    /// An empty document: just the `Wix` root element.
    pub fn new(schema: Schema) -> Document {
        let mut doc = Document {
            schema,
            nodes: Vec::new(),
        };
        doc.create("Wix");
        doc
    }

    /// The schema the document is written in.
    pub fn schema(&self) -> Schema {
        self.schema
    }

    /// Changes the schema the document is written in (its elements are left as they are).
    pub fn set_schema(&mut self, schema: Schema) {
        self.schema = schema;
    }

    /// The `Wix` root element.
    pub fn root(&self) -> NodeId {
        NodeId(0)
    }

    /// Creates an element that is not yet in the tree; [`append`](Self::append) puts it there.
    pub fn create(&mut self, name: impl Into<Name>) -> NodeId {
        let id = NodeId(u32::try_from(self.nodes.len()).expect("fewer than 2^32 elements"));
        self.nodes.push(Node {
            name: name.into(),
            attrs: Vec::new(),
            parent: None,
            children: Vec::new(),
        });
        id
    }

    /// Creates an element and appends it as the last child of `parent`.
    pub fn create_child(&mut self, parent: NodeId, name: impl Into<Name>) -> NodeId {
        let id = self.create(name);
        self.append(parent, id);
        id
    }

    /// Moves `child` (detaching it from any parent) to the end of `parent`'s children.
    pub fn append(&mut self, parent: NodeId, child: NodeId) {
        self.detach(child);
        self.nodes[child.0 as usize].parent = Some(parent);
        self.nodes[parent.0 as usize].children.push(child);
    }

    /// Moves `child` (detaching it from any parent) to position `index` of `parent`'s children.
    pub fn insert(&mut self, parent: NodeId, index: usize, child: NodeId) {
        self.detach(child);
        self.nodes[child.0 as usize].parent = Some(parent);
        self.nodes[parent.0 as usize].children.insert(index, child);
    }

    /// Takes `node` out of its parent's children; it and its own children stay intact and can
    /// be appended elsewhere.
    pub fn detach(&mut self, node: NodeId) {
        if let Some(parent) = self.nodes[node.0 as usize].parent.take() {
            let siblings = &mut self.nodes[parent.0 as usize].children;
            if let Some(pos) = siblings.iter().position(|c| *c == node) {
                siblings.remove(pos);
            }
        }
    }

    /// The element's name.
    pub fn name(&self, node: NodeId) -> &str {
        &self.nodes[node.0 as usize].name
    }

    /// Renames the element.
    pub fn set_name(&mut self, node: NodeId, name: impl Into<Name>) {
        self.nodes[node.0 as usize].name = name.into();
    }

    /// The element's parent, or `None` for the root and for detached elements.
    pub fn parent(&self, node: NodeId) -> Option<NodeId> {
        self.nodes[node.0 as usize].parent
    }

    /// The element's children, in order.
    pub fn children(&self, node: NodeId) -> &[NodeId] {
        &self.nodes[node.0 as usize].children
    }

    /// The children of `node` named `name`.
    pub fn children_named<'a>(
        &'a self,
        node: NodeId,
        name: &'a str,
    ) -> impl Iterator<Item = NodeId> + 'a {
        self.children(node)
            .iter()
            .copied()
            .filter(move |c| self.name(*c) == name)
    }

    /// The value of attribute `name`, if set.
    pub fn attr(&self, node: NodeId, name: &str) -> Option<&str> {
        self.nodes[node.0 as usize]
            .attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The element's attributes, in the order they are written.
    pub fn attrs(&self, node: NodeId) -> impl Iterator<Item = (&str, &str)> {
        self.nodes[node.0 as usize]
            .attrs
            .iter()
            .map(|(n, v)| (n.as_ref(), v.as_str()))
    }

    /// Sets attribute `name`. A new attribute takes its place in the order the schema declares
    /// (so the output matches heat's whatever order mutators set them in); an attribute the
    /// schema does not know goes last.
    pub fn set_attr(&mut self, node: NodeId, name: impl Into<Name>, value: impl Into<String>) {
        let name = name.into();
        let value = value.into();
        let schema = self.schema;
        let n = &mut self.nodes[node.0 as usize];
        if let Some(slot) = n.attrs.iter_mut().find(|(k, _)| *k == name) {
            slot.1 = value;
            return;
        }
        let pos = match schema.attribute_rank(&n.name, &name) {
            Some(rank) => n
                .attrs
                .iter()
                .position(|(k, _)| schema.attribute_rank(&n.name, k).is_none_or(|r| r > rank))
                .unwrap_or(n.attrs.len()),
            None => n.attrs.len(),
        };
        n.attrs.insert(pos, (name, value));
    }

    /// Sets attribute `name`, appending it after the others when new (the order a document
    /// was read in is kept).
    pub fn push_attr(&mut self, node: NodeId, name: impl Into<Name>, value: impl Into<String>) {
        let name = name.into();
        let value = value.into();
        let attrs = &mut self.nodes[node.0 as usize].attrs;
        match attrs.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => attrs.push((name, value)),
        }
    }

    /// Removes attribute `name`, returning its value.
    pub fn remove_attr(&mut self, node: NodeId, name: &str) -> Option<String> {
        let attrs = &mut self.nodes[node.0 as usize].attrs;
        let pos = attrs.iter().position(|(k, _)| k == name)?;
        Some(attrs.remove(pos).1)
    }

    /// `node` and every element below it, parents before children, in document order.
    pub fn descendants(&self, node: NodeId) -> Descendants<'_> {
        Descendants {
            doc: self,
            stack: vec![node],
        }
    }

    /// Every element in the tree named `name`, in document order.
    pub fn elements_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = NodeId> + 'a {
        self.descendants(self.root())
            .filter(move |n| self.name(*n) == name)
    }

    /// The ancestors of `node`, nearest first.
    pub fn ancestors(&self, node: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        std::iter::successors(self.parent(node), move |n| self.parent(*n))
    }
}

/// Iterator over an element and its descendants in document order; see
/// [`Document::descendants`].
#[derive(Debug)]
pub struct Descendants<'a> {
    doc: &'a Document,
    stack: Vec<NodeId>,
}

impl Iterator for Descendants<'_> {
    type Item = NodeId;
    fn next(&mut self) -> Option<NodeId> {
        let node = self.stack.pop()?;
        self.stack.extend(self.doc.children(node).iter().rev());
        Some(node)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_take_schema_order() {
        let mut doc = Document::new(Schema::V4);
        let c = doc.create_child(doc.root(), "Component");
        doc.set_attr(c, "Guid", "PUT-GUID-HERE");
        doc.set_attr(c, "Custom", "x");
        doc.set_attr(c, "Id", "cmp1");
        doc.set_attr(c, "Directory", "dir1");
        let names: Vec<_> = doc.attrs(c).map(|(n, _)| n).collect();
        assert_eq!(names, ["Id", "Directory", "Guid", "Custom"]);
    }

    #[test]
    fn moving_and_detaching() {
        let mut doc = Document::new(Schema::V3);
        let a = doc.create_child(doc.root(), "A");
        let b = doc.create_child(doc.root(), "B");
        let c = doc.create_child(a, "C");
        doc.append(b, c);
        assert!(doc.children(a).is_empty());
        assert_eq!(doc.children(b), [c]);
        assert_eq!(doc.parent(c), Some(b));
        let order: Vec<_> = doc
            .descendants(doc.root())
            .map(|n| doc.name(n).to_owned())
            .collect();
        assert_eq!(order, ["Wix", "A", "B", "C"]);
        doc.detach(b);
        assert_eq!(doc.children(doc.root()), [a]);
    }
}
