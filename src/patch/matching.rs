//! Which component, file and folder of one harvest (the old one) is at the same install
//! location in another (the new one).
//!
//! The old harvest is a [`Snapshot`]; the new one's components are handed to a [`Matcher`]
//! one at a time, in document order ([`NewComp`]), so that the harvest being updated needs
//! no snapshot of its own. Each old item is taken by at most one new item, the first to find
//! it; an item finds the first old item at its location. Components whose structure names no
//! folder are matched by their key file's source path instead, and components with no file or
//! folder key path at all (registry entries, …) by their id, once every other component is
//! placed. A location rooted at a folder one harvest defines (`INSTALLFOLDER` under
//! `ProgramFilesFolder\Acme`) and the other only refers to meets the other's by that
//! folder's location.

use std::collections::HashMap;

use hashbrown::HashTable;
use smallvec::SmallVec;

use super::keys::{self, Key};
use super::snapshot::{KeyPath, Place, Snapshot, NONE};

/// A component of the new harvest: its folder's place (in the new side's places), its key
/// path, and the hashes of its files' names, in order.
#[derive(Debug, Clone)]
pub(crate) struct NewComp {
    pub place: u32,
    pub key: KeyPath,
    pub files: SmallVec<[Option<u64>; 2]>,
}

impl NewComp {
    /// The hash of the last part of its key path's location: its key file's name, or the
    /// folder mark.
    fn last(&self) -> Option<u64> {
        match self.key {
            KeyPath::File(i) => self.files.get(usize::from(i)).copied().flatten(),
            KeyPath::Folder => Some(keys::folder_mark()),
            KeyPath::Other => None,
        }
    }
}

/// The keys of `side`'s places rerooted through `other`'s folders: a place below a root that
/// is the id of a `Directory` of `other` (at another location than that id) gets the key it
/// has there.
pub(crate) fn rerooted_places(side: &Snapshot, other: &Snapshot) -> Vec<Option<Key>> {
    let mut out: Vec<Option<Key>> = vec![None; side.places.len()];
    let mut any = false;
    for (p, place) in side.places.iter().enumerate() {
        if place.parent != NONE {
            continue;
        }
        let text = side.names.get(place.name);
        let Some(d) = other.dir_by_id_text(text) else {
            continue;
        };
        let op = other.dirs[d as usize].place;
        let there = &other.places[op as usize];
        if there.parent == NONE && other.names.get(there.name) == text {
            continue;
        }
        out[p] = Some(there.key);
        any = true;
    }
    if any {
        // A place comes after the place above it.
        for p in 0..side.places.len() {
            let place = side.places[p];
            if place.parent != NONE {
                out[p] =
                    out[place.parent as usize].map(|k| keys::push(k, side.names.get(place.name)));
            }
        }
    }
    out
}

/// A table of items by key: items are numbers, their keys computed again when compared.
struct Table<F> {
    table: HashTable<u32>,
    key: F,
}

impl<F: Fn(u32) -> Option<Key>> Table<F> {
    fn new(key: F) -> Self {
        Table {
            table: HashTable::new(),
            key,
        }
    }

    /// Adds `item` under its key, unless an earlier item has that key.
    fn add(&mut self, item: u32) {
        let Some(k) = (self.key)(item) else { return };
        let key = &self.key;
        if let hashbrown::hash_table::Entry::Vacant(e) = self.table.entry(
            keys::table_hash(k),
            |&o| key(o) == Some(k),
            |&o| keys::table_hash(key(o).expect("keyed")),
        ) {
            e.insert(item);
        }
    }

    fn get(&self, k: Key) -> Option<u32> {
        self.table
            .find(keys::table_hash(k), |&o| (self.key)(o) == Some(k))
            .copied()
    }
}

/// Takes `old` for `new` in `taken` when it is free: the old item, or [`NONE`].
fn take(taken: &mut [u32], old: Option<u32>, new: u32) -> u32 {
    match old {
        Some(j) if taken[j as usize] == NONE => {
            taken[j as usize] = new;
            j
        }
        _ => NONE,
    }
}

/// Matches the items of a new harvest, handed in, against an old one (see the
/// [module](self)). What was matched is in [`comps`](Self::comps), [`files`](Self::files) and
/// [`dirs`](Self::dirs): for each old item, the new one, or [`NONE`].
pub(crate) struct Matcher<'a> {
    old: &'a Snapshot,
    new_places: &'a [Place],
    new_via_old: Vec<Option<Key>>,
    old_via_new: Vec<Option<Key>>,
    comps_rerooted: HashMap<Key, u32>,
    files_table: Table<Box<dyn Fn(u32) -> Option<Key> + 'a>>,
    files_rerooted: HashMap<Key, u32>,
    dirs_rerooted: HashMap<Key, u32>,
    dirs_table: Table<Box<dyn Fn(u32) -> Option<Key> + 'a>>,
    by_source: HashMap<Key, u32>,
    by_id: Option<HashMap<u64, u32>>,
    /// The old component the next new one is likely at: the one after the last found.
    guess: u32,
    /// For each old component, file and folder, the new one that took it.
    pub comps: Vec<u32>,
    pub files: Vec<u32>,
    pub dirs: Vec<u32>,
}

impl<'a> Matcher<'a> {
    /// A matcher of `new`'s items (whose folders and places are in `new`) against `old`.
    pub(crate) fn new(old: &'a Snapshot, new: &'a Snapshot) -> Matcher<'a> {
        let new_via_old = rerooted_places(new, old);
        let old_via_new = rerooted_places(old, new);
        let rerooting_old = old_via_new.iter().any(Option::is_some);
        // Old files that are no key path, by key: key files are found through their
        // components.
        let file_comp = file_owners(old);
        let owners = file_comp.clone();
        let file_key: Box<dyn Fn(u32) -> Option<Key> + 'a> =
            Box::new(move |f| old.file_key(owners[f as usize], f));
        let mut files_table = Table::new(file_key);
        for f in 0..old.files.len() as u32 {
            if old.key_file(file_comp[f as usize]) != Some(f) {
                files_table.add(f);
            }
        }
        let mut comps_rerooted = HashMap::new();
        let mut files_rerooted = HashMap::new();
        if rerooting_old {
            for j in 0..old.comps.len() as u32 {
                let comp = &old.comps[j as usize];
                if comp.place == NONE {
                    continue;
                }
                let Some(base) = old_via_new[comp.place as usize] else {
                    continue;
                };
                if let Some(last) = old_last(old, j) {
                    comps_rerooted.entry(keys::fold(base, last)).or_insert(j);
                }
                for f in old.comp_files(j) {
                    if let Some(n) = old.files[f as usize].name() {
                        files_rerooted.entry(keys::fold(base, n)).or_insert(f);
                    }
                }
            }
        }
        let dir_key: Box<dyn Fn(u32) -> Option<Key> + 'a> =
            Box::new(move |d| Some(old.place_key(old.dirs[d as usize].place)));
        let mut dirs_table = Table::new(dir_key);
        let mut dirs_rerooted = HashMap::new();
        for d in 0..old.dirs.len() as u32 {
            dirs_table.add(d);
            if let Some(k) = old_via_new[old.dirs[d as usize].place as usize] {
                dirs_rerooted.entry(k).or_insert(d);
            }
        }
        let mut by_source = HashMap::new();
        for j in 0..old.comps.len() as u32 {
            let comp = &old.comps[j as usize];
            if comp.place == NONE && comp.key != KeyPath::Other {
                if let Some(&k) = old.source_keys.get(&j) {
                    by_source.entry(k).or_insert(j);
                }
            }
        }
        Matcher {
            old,
            new_places: &new.places,
            new_via_old,
            old_via_new,
            comps_rerooted,
            files_table,
            files_rerooted,
            dirs_rerooted,
            dirs_table,
            by_source,
            by_id: None,
            guess: 0,
            comps: vec![NONE; old.comps.len()],
            files: vec![NONE; old.files.len()],
            dirs: vec![NONE; old.dirs.len()],
        }
    }

    /// Whether the old harvest has components placed by their source only: then
    /// [`comp`](Self::comp) asks for the new ones' source keys.
    pub(crate) fn wants_sources(&self) -> bool {
        !self.by_source.is_empty()
    }

    /// Whether new component `c` has an install location.
    pub(crate) fn keyed(&self, c: &NewComp) -> bool {
        c.place != NONE && c.last().is_some()
    }

    fn new_key(&self, place: u32, last: Option<u64>) -> (Option<Key>, Option<Key>) {
        if place == NONE {
            return (None, None);
        }
        let Some(last) = last else {
            return (None, None);
        };
        let key = keys::fold(self.new_places[place as usize].key, last);
        let rerooted = self.new_via_old[place as usize].map(|b| keys::fold(b, last));
        (Some(key), rerooted)
    }

    /// The old component new component `i` (`c`) is at the location of, taken for it; `source`
    /// gives its key file's source key, asked for only when the old harvest has components in
    /// no folder.
    pub(crate) fn comp(
        &mut self,
        i: u32,
        c: &NewComp,
        source: impl FnOnce() -> Option<Key>,
    ) -> u32 {
        let old = self.old;
        let (key, rerooted) = self.new_key(c.place, c.last());
        if let Some(k) = key {
            let found = old
                .comp_by_key_from(k, self.guess)
                .or_else(|| rerooted.and_then(|r| old.comp_by_key(r)))
                .or_else(|| self.comps_rerooted.get(&k).copied());
            if let Some(f) = found {
                self.guess = f.wrapping_add(1);
            }
            let j = take(&mut self.comps, found, i);
            if j != NONE || found.is_some() {
                return j;
            }
        }
        if self.wants_sources() && c.key != KeyPath::Other {
            if let Some(s) = source() {
                let found = self.by_source.get(&s).copied();
                return take(&mut self.comps, found, i);
            }
        }
        NONE
    }

    /// The old component with no install location and id fingerprint `id` (see
    /// [`Id::fingerprint`](super::atoms::Id::fingerprint)), taken for new component `i`,
    /// which has none either. Asked once every component was offered to
    /// [`comp`](Self::comp).
    pub(crate) fn comp_by_id(&mut self, i: u32, id: u64) -> u32 {
        let old = self.old;
        let comps = &self.comps;
        let table = self.by_id.get_or_insert_with(|| {
            let mut t = HashMap::new();
            for j in 0..old.comps.len() as u32 {
                let oid = old.comp_ids[j as usize];
                if old.comp_key(j).is_none() && oid.is_some() && comps[j as usize] == NONE {
                    t.entry(oid.fingerprint(&old.texts)).or_insert(j);
                }
            }
            t
        });
        let found = table.get(&id).copied();
        take(&mut self.comps, found, i)
    }

    /// The old files that new component `c`'s files (numbered from `first`) are at, taken for
    /// them; `j` is the old component `c` took, if any.
    pub(crate) fn files(&mut self, first: u32, c: &NewComp, j: u32) -> SmallVec<[u32; 2]> {
        let old = self.old;
        let mut out = SmallVec::new();
        for (fi, name) in c.files.iter().enumerate() {
            let n = first + fi as u32;
            // A key file without a location whose component matched by source: its
            // counterpart's key file.
            if j != NONE && c.key == KeyPath::File(fi as u16) {
                if let Some(kf) = old.key_file(j) {
                    if old.file_key(j, kf).is_none() {
                        out.push(take(&mut self.files, Some(kf), n));
                        continue;
                    }
                }
            }
            let (key, rerooted) = self.new_key(c.place, *name);
            let Some(k) = key else {
                out.push(NONE);
                continue;
            };
            let found = self
                .first_file(k, j)
                .or_else(|| rerooted.and_then(|r| self.first_file(r, NONE)))
                .or_else(|| self.files_rerooted.get(&k).copied());
            out.push(take(&mut self.files, found, n));
        }
        out
    }

    /// The first old file at key `k`: a key file (through its component, likely `guess`) or
    /// another.
    fn first_file(&self, k: Key, guess: u32) -> Option<u32> {
        let old = self.old;
        let key_file = old
            .comp_by_key_from(k, guess)
            .and_then(|j| old.key_file(j).filter(|&f| old.file_key(j, f) == Some(k)));
        match (key_file, self.files_table.get(k)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The old folder new folder `i`, at place `place`, is at, taken for it.
    pub(crate) fn dir(&mut self, i: u32, place: u32) -> u32 {
        let k = self.new_places[place as usize].key;
        let found = self
            .dirs_table
            .get(k)
            .or_else(|| self.new_via_old[place as usize].and_then(|r| self.dirs_table.get(r)))
            .or_else(|| self.dirs_rerooted.get(&k).copied());
        take(&mut self.dirs, found, i)
    }

    /// The keys of the old harvest's places rerooted through the new one's folders.
    pub(crate) fn old_via_new(&self) -> &[Option<Key>] {
        &self.old_via_new
    }

    /// The keys of the new harvest's places rerooted through the old one's folders.
    pub(crate) fn new_via_old(&self) -> &[Option<Key>] {
        &self.new_via_old
    }
}

/// The hash of the last part of old component `j`'s key path's location.
fn old_last(old: &Snapshot, j: u32) -> Option<u64> {
    match old.comps[j as usize].key {
        KeyPath::File(_) => old.key_file(j).and_then(|f| old.files[f as usize].name()),
        KeyPath::Folder => Some(keys::folder_mark()),
        KeyPath::Other => None,
    }
}

/// For each file of `s`, its component.
pub(crate) fn file_owners(s: &Snapshot) -> Vec<u32> {
    let mut out = vec![0u32; s.files.len()];
    for c in 0..s.comps.len() as u32 {
        for f in s.comp_files(c) {
            out[f as usize] = c;
        }
    }
    out
}

/// The components of a snapshot as a [`Matcher`] takes them.
pub(crate) fn new_comp(s: &Snapshot, c: u32) -> NewComp {
    let comp = &s.comps[c as usize];
    NewComp {
        place: comp.place,
        key: comp.key,
        files: s
            .comp_files(c)
            .map(|f| s.files[f as usize].name())
            .collect(),
    }
}

/// Matches every item of `new` (a snapshot with its ids) against `old`; `sources` gives the
/// source keys of `new`'s key files where the snapshot does not hold them.
pub(crate) fn match_snapshots<'a>(
    old: &'a Snapshot,
    new: &'a Snapshot,
    sources: Option<&HashMap<u32, Key>>,
) -> Matcher<'a> {
    let mut m = Matcher::new(old, new);
    let mut matched = vec![NONE; new.comps.len()];
    for i in 0..new.comps.len() as u32 {
        let c = new_comp(new, i);
        matched[i as usize] = m.comp(i, &c, || {
            sources
                .and_then(|s| s.get(&i).copied())
                .or_else(|| new.source_keys.get(&i).copied())
        });
    }
    for i in 0..new.comps.len() as u32 {
        let id = new.comp_ids[i as usize];
        if matched[i as usize] == NONE && new.comp_key(i).is_none() && id.is_some() {
            matched[i as usize] = m.comp_by_id(i, id.fingerprint(&new.texts));
        }
    }
    for i in 0..new.comps.len() as u32 {
        let c = new_comp(new, i);
        m.files(new.comps[i as usize].first_file, &c, matched[i as usize]);
    }
    for d in 0..new.dirs.len() as u32 {
        m.dir(d, new.dirs[d as usize].place);
    }
    m
}
