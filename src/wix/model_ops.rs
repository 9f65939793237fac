//! The document's child lists and attributes, driven by random sequences of operations and
//! compared with a plain model of lists: moving, inserting, detaching and reserving never lose,
//! duplicate or reorder anything, and children stay grouped by type in the schema's order (the
//! model inserts where asked and then sorts by rank, keeping the order of equals).

use super::{Document, NodeId, Schema};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Create(usize, usize),
    Append(usize, usize),
    Insert(usize, usize, usize),
    Detach(usize),
    DetachAll(Vec<usize>),
    TakeAndGiveBack(usize),
    SetAttr(usize, usize, u8),
    Reserve(usize, usize),
    RemoveAttr(usize, usize),
}

const ATTRS: [&str; 5] = ["Id", "Name", "Guid", "Directory", "Custom"];

/// Element names whose ranks differ among each other's children.
const NAMES: [&str; 5] = [
    "Component",
    "Directory",
    "DirectoryRef",
    "Fragment",
    "Merge",
];

fn op() -> impl Strategy<Value = Op> {
    let i = 0usize..64;
    prop_oneof![
        3 => (i.clone(), 0usize..NAMES.len()).prop_map(|(p, k)| Op::Create(p, k)),
        3 => (i.clone(), i.clone()).prop_map(|(a, b)| Op::Append(a, b)),
        1 => (i.clone(), i.clone(), 0usize..8).prop_map(|(a, b, k)| Op::Insert(a, b, k)),
        1 => i.clone().prop_map(Op::Detach),
        1 => prop::collection::vec(i.clone(), 0..8).prop_map(Op::DetachAll),
        1 => i.clone().prop_map(Op::TakeAndGiveBack),
        2 => (i.clone(), 0usize..5, any::<u8>()).prop_map(|(a, k, v)| Op::SetAttr(a, k, v)),
        1 => (i.clone(), 0usize..4).prop_map(|(a, n)| Op::Reserve(a, n)),
        1 => (i.clone(), 0usize..5).prop_map(|(a, k)| Op::RemoveAttr(a, k)),
    ]
}

/// The plain model: each element's parent, children and attributes.
#[derive(Default)]
struct Plain {
    names: Vec<&'static str>,
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
    attrs: Vec<Vec<(String, String)>>,
}

impl Plain {
    /// Puts `p`'s children in rank order, keeping the order of equals.
    fn regroup(&mut self, p: usize) {
        let parent = self.names[p];
        let names = self.names.clone();
        self.children[p].sort_by_key(|&c| Schema::V4.child_rank(parent, names[c]));
    }

    fn detach(&mut self, n: usize) {
        if let Some(p) = self.parent[n].take() {
            let pos = self.children[p].iter().rposition(|c| *c == n).unwrap();
            self.children[p].remove(pos);
        }
    }

    /// Whether `a` is `b` or below it (a move that would make a loop is skipped).
    fn within(&self, a: usize, b: usize) -> bool {
        let mut n = Some(a);
        while let Some(x) = n {
            if x == b {
                return true;
            }
            n = self.parent[x];
        }
        false
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn child_lists_and_attributes_match_a_plain_model(ops in prop::collection::vec(op(), 1..300)) {
        let mut doc = Document::new(Schema::V4);
        let mut plain = Plain::default();
        let mut ids: Vec<NodeId> = vec![doc.root()];
        plain.names.push("Wix");
        plain.parent.push(None);
        plain.children.push(Vec::new());
        plain.attrs.push(Vec::new());
        for op in ops {
            let n = ids.len();
            match op {
                Op::Create(p, k) => {
                    let p = p % n;
                    ids.push(doc.create_child(ids[p], NAMES[k]));
                    plain.names.push(NAMES[k]);
                    plain.parent.push(Some(p));
                    plain.children.push(Vec::new());
                    plain.attrs.push(Vec::new());
                    plain.children[p].push(n);
                    plain.regroup(p);
                }
                Op::Append(p, c) | Op::Insert(p, c, _) if plain.within(p % n, c % n) || c % n == 0 => {}
                Op::Append(p, c) => {
                    let (p, c) = (p % n, c % n);
                    doc.append(ids[p], ids[c]);
                    plain.detach(c);
                    plain.parent[c] = Some(p);
                    plain.children[p].push(c);
                    plain.regroup(p);
                }
                Op::Insert(p, c, k) => {
                    let (p, c) = (p % n, c % n);
                    plain.detach(c);
                    let k = k.min(plain.children[p].len());
                    doc.insert(ids[p], k, ids[c]);
                    plain.parent[c] = Some(p);
                    plain.children[p].insert(k, c);
                    plain.regroup(p);
                }
                Op::Detach(c) => {
                    let c = c % n;
                    doc.detach(ids[c]);
                    plain.detach(c);
                }
                Op::DetachAll(cs) => {
                    let mut cs: Vec<usize> = cs.into_iter().map(|c| c % n).collect();
                    cs.sort_unstable();
                    cs.dedup();
                    let nodes: Vec<NodeId> = cs.iter().map(|&c| ids[c]).collect();
                    doc.detach_all(&nodes);
                    for c in cs {
                        plain.detach(c);
                    }
                }
                Op::TakeAndGiveBack(p) => {
                    let p = p % n;
                    let taken = doc.take_children(ids[p]);
                    for c in taken.iter().rev() {
                        doc.append(ids[p], *c);
                    }
                    plain.children[p].reverse();
                    plain.regroup(p);
                }
                Op::SetAttr(e, k, v) => {
                    let e = e % n;
                    let value = format!("v{v}");
                    doc.set_attr(ids[e], ATTRS[k], &value);
                    match plain.attrs[e].iter_mut().find(|(name, _)| name == ATTRS[k]) {
                        Some(slot) => slot.1 = value,
                        None => plain.attrs[e].push((ATTRS[k].to_owned(), value)),
                    }
                }
                Op::Reserve(e, extra) => doc.reserve_attrs(ids[e % n], extra),
                Op::RemoveAttr(e, k) => {
                    let e = e % n;
                    let removed = doc.remove_attr(ids[e], ATTRS[k]);
                    let pos = plain.attrs[e].iter().position(|(name, _)| name == ATTRS[k]);
                    prop_assert_eq!(removed, pos.map(|p| plain.attrs[e].remove(p).1));
                }
            }
            for (i, &id) in ids.iter().enumerate() {
                let got: Vec<NodeId> = doc.children(id).to_vec();
                let want: Vec<NodeId> = plain.children[i].iter().map(|&c| ids[c]).collect();
                prop_assert_eq!(got, want);
                prop_assert_eq!(doc.parent(id), plain.parent[i].map(|p| ids[p]));
                // Attributes come out in the schema's order whatever order they were set in.
                let mut want: Vec<(String, String)> = plain.attrs[i].clone();
                let element = doc.name(id).to_owned();
                want.sort_by_key(|(name, _)| {
                    Schema::V4.attribute_rank(&element, name).unwrap_or(usize::MAX)
                });
                let got: Vec<(String, String)> = doc
                    .attrs(id)
                    .map(|(k, v)| (k.to_owned(), v.to_string()))
                    .collect();
                prop_assert_eq!(got, want);
            }
        }
    }
}
