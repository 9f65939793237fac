//! Windows Installer's limit of 1600 components in one feature (ICE47): a warning when a group
//! or feature passes it ([`GroupLimitMutator`]), and a split of the `-cg` group into a fixed
//! number of parts that never moves a component from one part to another as files come and go
//! ([`SplitGroupMutator`]).

use std::borrow::Cow;

use super::attr_text;
use std::collections::{HashMap, HashSet};

use crate::wix::FastHash;

use super::atoms::Texts;
use super::snapshot::{document_component, KeyPath, Snapshot, NONE};
use crate::error::{codes, Result};
use crate::mutate::LocationGuids;
use crate::pipeline::{Context, Mutator};
use crate::wix::escape::unescape_wix;
use crate::wix::guid;
use crate::wix::{Document, NodeId};
use rayon::prelude::*;

/// The most components Windows Installer takes in one feature: ICE47 ("Features should have
/// 1600 or fewer components", Windows Installer SDK, Internal Consistency Evaluators).
pub const MAX_COMPONENTS_PER_FEATURE: usize = 1600;

/// When [`SplitGroupMutator`] runs: after heat's main mutator made the group, before
/// `-update` puts kept components back in their groups.
pub const SPLIT_SEQUENCE: i32 = 1400;

/// When [`GroupLimitMutator`] runs: after every group is complete, before the finalizer.
pub const LIMIT_SEQUENCE: i32 = 1900;

/// The part (0-based) of `parts` that the component installed at `location` goes to: its
/// location's deterministic GUID (see [`guid::for_location`], which ignores case) modulo the
/// number of parts. It depends on nothing but the location and the number of parts, so a file
/// added later never moves another.
pub fn part_of(location: &str, parts: u32) -> u32 {
    (guid::for_location(location).as_u128() % u128::from(parts.max(1))) as u32
}

/// The name of part `index` (0-based) of group `group`: `<group>_1`, `<group>_2`, …
pub fn part_name(group: &str, index: u32) -> String {
    format!("{group}_{}", index + 1)
}

/// `-cgsplit <N>`: the `-cg` group becomes `N` groups, `<group>_1` … `<group>_N`, every
/// component going to the part [`part_of`] its install location. Every part is written, even
/// an empty one, so that references to them stay valid; a `ComponentGroupRef` to the group
/// (in a `-template`) becomes references to every part.
#[derive(Debug, Clone)]
pub struct SplitGroupMutator {
    /// The group to split (`-cg`).
    pub group: String,
    /// The number of parts. Keep it from release to release: changing it moves components.
    pub parts: u32,
}

impl Mutator for SplitGroupMutator {
    fn name(&self) -> &str {
        "heat-cgsplit"
    }

    fn sequence(&self) -> i32 {
        SPLIT_SEQUENCE
    }

    fn mutate(&mut self, cx: &mut Context, doc: &mut Document) -> Result<()> {
        let Some(group) = doc
            .elements_named("ComponentGroup")
            .find(|g| attr_text(doc, *g, "Id").as_deref() == Some(self.group.as_str()))
        else {
            return Ok(());
        };
        let parts = self.parts.max(1);
        let (by_node, by_id) = parts_of_components(doc, group, parts, cx.get::<LocationGuids>());

        // The group itself becomes part 1; the others follow it, each in a fragment of its own
        // when the group is in one.
        let mut groups = vec![group];
        let holder = doc
            .parent(group)
            .expect("a group found in the tree has a parent");
        let in_fragment = doc.name(holder) == "Fragment" && doc.parent(holder).is_some();
        let (outer, mut at) = if in_fragment {
            (doc.parent(holder).expect("checked"), holder)
        } else {
            (holder, group)
        };
        for k in 1..parts {
            let g = doc.create("ComponentGroup");
            doc.set_attr(g, "Id", part_name(&self.group, k));
            let el = if in_fragment {
                let f = doc.create("Fragment");
                doc.append(f, g);
                f
            } else {
                g
            };
            let pos = doc
                .children(outer)
                .iter()
                .position(|c| *c == at)
                .expect("a child of its parent");
            doc.insert(outer, pos + 1, el);
            at = el;
            groups.push(g);
        }
        doc.set_attr(group, "Id", part_name(&self.group, 0));

        for child in doc.take_children(group) {
            let part = match doc.name(child) {
                "Component" => by_node.get(child.index() as usize).copied(),
                "ComponentRef" => doc
                    .attr(child, "Id")
                    .and_then(|id| by_id.get(&fingerprint(&id)).copied()),
                _ => None,
            };
            let part = part.filter(|&p| p != NO_PART).unwrap_or(0) as usize;
            doc.append(groups[part], child);
        }

        let refs: Vec<NodeId> = doc
            .elements_named("ComponentGroupRef")
            .filter(|r| attr_text(doc, *r, "Id").as_deref() == Some(self.group.as_str()))
            .collect();
        for r in refs {
            let parent = doc.parent(r).expect("found in the tree");
            let pos = doc
                .children(parent)
                .iter()
                .position(|c| *c == r)
                .expect("a child of its parent");
            doc.set_attr(r, "Id", part_name(&self.group, 0));
            for k in 1..parts {
                let more = doc.create("ComponentGroupRef");
                doc.set_attr(more, "Id", part_name(&self.group, k));
                doc.insert(parent, pos + k as usize, more);
            }
        }
        Ok(())
    }
}

/// No part: an element that is no component.
const NO_PART: u32 = u32::MAX;

/// The fingerprint of an id as a document holds it.
fn fingerprint(value: &crate::wix::Value<'_>) -> u64 {
    let mut texts = Texts::default();
    texts.id_of(value).fingerprint(&texts)
}

/// The part of every component of `doc`, by node index ([`NO_PART`] for other elements), and
/// by id for the components `group` refers to: [`part_of`] their install location (or their
/// id, when they have none). When heat's main mutator gave every component its location's
/// GUID (`-gg`, `known`), those are the GUIDs; else a folder's location is spelled once, and
/// each component hashes only its key file's name, on every core.
fn parts_of_components(
    doc: &Document,
    group: NodeId,
    parts: u32,
    known: Option<&LocationGuids>,
) -> (Vec<u32>, HashMap<u64, u32>) {
    let comps: Vec<NodeId> = doc.elements_named("Component").collect();
    let part = |g: uuid::Uuid| (g.as_u128() % u128::from(parts)) as u32;
    let from_known: Option<Vec<u32>> =
        known.and_then(|known| comps.iter().map(|&c| known.get(doc, c).map(part)).collect());
    let computed = match from_known {
        Some(found) => {
            // Both ways give the same parts; debug builds (the tests) check it.
            debug_assert_eq!(found, parts_from_locations(doc, &comps, parts));
            found
        }
        None => parts_from_locations(doc, &comps, parts),
    };
    let mut by_node = vec![NO_PART; doc.len()];
    for (&c, &part) in comps.iter().zip(&computed) {
        by_node[c.index() as usize] = part;
    }
    let mut by_id = HashMap::new();
    if doc
        .children(group)
        .iter()
        .any(|&c| doc.name(c) == "ComponentRef")
    {
        for (&c, &part) in comps.iter().zip(&computed) {
            if let Some(id) = doc.attr(c, "Id") {
                by_id.entry(fingerprint(&id)).or_insert(part);
            }
        }
    }
    (by_node, by_id)
}

/// The parts of `comps` (every component of `doc`, in document order) from their install
/// locations, worked out from the document.
fn parts_from_locations(doc: &Document, comps: &[NodeId], parts: u32) -> Vec<u32> {
    let places = Snapshot::places_of_document(doc);
    // Locations as WiX reads them (`$$` is `$`), as install locations are compared.
    let schema = doc.schema();
    let read = |text: &str| unescape_wix(text, schema).into_owned();
    let mut folders: HashMap<u32, guid::FolderGuids> = HashMap::new();
    for &p in &places.comp_places {
        if p != NONE {
            folders
                .entry(p)
                .or_insert_with(|| guid::FolderGuids::new(&[&read(&places.place_text(p))]));
        }
    }
    comps
        .par_iter()
        .zip(places.comp_places.par_iter())
        .map(|(&c, &place)| {
            let (key, files) = document_component(doc, c);
            let guid = match key {
                KeyPath::File(k) if place != NONE => {
                    files.get(usize::from(k)).and_then(|&(f, n)| {
                        n?;
                        let name = match doc.attr(f, "Name") {
                            Some(v) => v.text(),
                            None => doc.attr(f, "Source")?.last_segment(),
                        };
                        Some(folders[&place].guid(&unescape_wix(&name, schema)))
                    })
                }
                KeyPath::Folder if place != NONE => {
                    Some(guid::for_location(&read(&places.place_text(place))))
                }
                _ => None,
            };
            match guid {
                Some(g) => (g.as_u128() % u128::from(parts)) as u32,
                None => part_of(
                    &doc.attr(c, "Id").map(|v| v.text()).unwrap_or_default(),
                    parts,
                ),
            }
        })
        .collect()
}

/// Warns (`HEAT8202`) for every `ComponentGroup` and `Feature` of the output that holds more
/// than [`MAX_COMPONENTS_PER_FEATURE`] components, counting those of the groups it references.
#[derive(Debug, Clone, Copy, Default)]
pub struct GroupLimitMutator;

impl Mutator for GroupLimitMutator {
    fn name(&self) -> &str {
        "heat-group-limit"
    }

    fn sequence(&self) -> i32 {
        LIMIT_SEQUENCE
    }

    fn mutate(&mut self, cx: &mut Context, doc: &mut Document) -> Result<()> {
        for (element, id, count) in oversized(doc) {
            cx.messages.warn(
                codes::GROUP_TOO_LARGE,
                format!(
                    "The {element} '{id}' holds {count} components; Windows Installer refuses more \
                     than {MAX_COMPONENTS_PER_FEATURE} components in one feature (ICE47). Split it \
                     with -cgsplit <N> and reference each part from a feature of its own."
                ),
            );
        }
        Ok(())
    }
}

/// Every `ComponentGroup` and `Feature` holding more than [`MAX_COMPONENTS_PER_FEATURE`]
/// components: (element, id, count), in document order.
pub fn oversized(doc: &Document) -> Vec<(String, String, usize)> {
    // Groups and features, in document order, found in one pass.
    let holders: Vec<NodeId> = doc
        .descendants(doc.root())
        .filter(|&n| matches!(doc.name(n), "ComponentGroup" | "Feature"))
        .collect();
    let mut groups: HashMap<Cow<'_, str>, NodeId> = HashMap::new();
    for &g in &holders {
        if doc.name(g) == "ComponentGroup" {
            if let Some(id) = attr_text(doc, g, "Id") {
                groups.entry(id).or_insert(g);
            }
        }
    }
    let mut out = Vec::new();
    for n in holders {
        let element = doc.name(n);
        let mut found = Found::default();
        let mut visited = HashSet::with_hasher(FastHash);
        collect(doc, n, &groups, &mut found, &mut visited);
        let count = found.count(doc);
        if count > MAX_COMPONENTS_PER_FEATURE {
            out.push((
                element.to_owned(),
                attr_text(doc, n, "Id").unwrap_or_default().into_owned(),
                count,
            ));
        }
    }
    out
}

/// The components and component references a group or feature reaches.
#[derive(Default)]
struct Found<'a> {
    components: Vec<NodeId>,
    references: Vec<Option<Cow<'a, str>>>,
}

impl Found<'_> {
    /// How many distinct components: each component element once, each referenced id once,
    /// and a reference to a component also reached as an element not again. Without
    /// references (a harvest's own groups) that is just the number of elements.
    fn count(&self, doc: &Document) -> usize {
        if self.references.is_empty() {
            return self.components.len();
        }
        let mut ids = HashSet::with_hasher(FastHash);
        let mut anonymous = 0;
        for &c in &self.components {
            match attr_text(doc, c, "Id") {
                Some(id) => {
                    ids.insert(id);
                }
                None => anonymous += 1,
            }
        }
        for r in &self.references {
            match r {
                Some(id) => {
                    ids.insert(id.clone());
                }
                None => anonymous += 1,
            }
        }
        ids.len() + anonymous
    }
}

fn collect<'a>(
    doc: &'a Document,
    holder: NodeId,
    groups: &HashMap<Cow<'_, str>, NodeId>,
    found: &mut Found<'a>,
    visited: &mut HashSet<NodeId, FastHash>,
) {
    if !visited.insert(holder) {
        return;
    }
    for &c in doc.children(holder) {
        match doc.name(c) {
            "Component" => found.components.push(c),
            "ComponentRef" => found.references.push(attr_text(doc, c, "Id")),
            "ComponentGroupRef" => {
                if let Some(&g) = attr_text(doc, c, "Id").and_then(|id| groups.get(id.as_ref())) {
                    collect(doc, g, groups, found, visited);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_stable_and_spread() {
        let mut counts = [0u32; 4];
        for i in 0..4000 {
            let loc = format!(r"INSTALLFOLDER\App\file{i}.txt");
            let p = part_of(&loc, 4);
            assert_eq!(p, part_of(&loc.to_uppercase(), 4), "case does not matter");
            counts[p as usize] += 1;
        }
        for c in counts {
            assert!((800..1200).contains(&c), "{counts:?}");
        }
        assert_eq!(part_name("App", 0), "App_1");
    }
}
