//! The built-in harvesters: `dir` ([`DirHarvester`]), `file` ([`FileHarvester`]), `reg`
//! ([`RegHarvester`]) and `payload` ([`PayloadHarvester`]).

mod dir;
mod file;
mod payload;
mod reg;

pub use dir::DirHarvester;
pub use file::FileHarvester;
pub use payload::{PayloadFinalizeMutator, PayloadHarvester};
pub use reg::RegHarvester;

use crate::ids::IdScheme;
use crate::model::{Document, NodeId, Schema};

/// Standard directory ids of Windows Installer, which WiX v4 writes as `StandardDirectory`
/// (WiX's `WindowsInstallerStandard`).
pub const STANDARD_DIRECTORIES: &[&str] = &[
    "TARGETDIR",
    "AdminToolsFolder",
    "AppDataFolder",
    "CommonAppDataFolder",
    "CommonFilesFolder",
    "CommonFiles64Folder",
    "CommonFiles6432Folder",
    "DesktopFolder",
    "FavoritesFolder",
    "FontsFolder",
    "LocalAppDataFolder",
    "MyPicturesFolder",
    "NetHoodFolder",
    "PersonalFolder",
    "PerUserProgramFilesFolder",
    "PrintHoodFolder",
    "ProgramFilesFolder",
    "ProgramFiles64Folder",
    "ProgramFiles6432Folder",
    "ProgramMenuFolder",
    "RecentFolder",
    "SendToFolder",
    "StartMenuFolder",
    "StartupFolder",
    "SystemFolder",
    "System16Folder",
    "System64Folder",
    "System6432Folder",
    "TempFolder",
    "TemplateFolder",
    "WindowsFolder",
];

/// Whether `id` names a standard directory.
pub fn is_standard_directory(id: &str) -> bool {
    STANDARD_DIRECTORIES.contains(&id)
}

/// Creates a reference to directory `id` under `parent`, as heat's `DirectoryHelper` does:
/// `StandardDirectory` for a standard directory in v4, `DirectoryRef` otherwise.
pub fn directory_reference(doc: &mut Document, parent: NodeId, id: &str) -> NodeId {
    let name = if doc.schema() == Schema::V4 && is_standard_directory(id) {
        "StandardDirectory"
    } else {
        "DirectoryRef"
    };
    let node = doc.create_child(parent, name);
    doc.set_attr(node, "Id", id);
    node
}

/// heat's id for a harvested root folder: `dir` over the directory reference and the folder's
/// name, or over the reference alone under `-srd` (the root is then not written, but its id
/// still seeds its children's).
pub fn root_directory_id(
    ids: IdScheme,
    directory_ref: &str,
    root_name: &str,
    suppress_root: bool,
) -> String {
    if suppress_root {
        ids.generate("dir", &[directory_ref])
    } else {
        ids.generate("dir", &[directory_ref, root_name])
    }
}

/// Puts a harvested root `Directory` into a new fragment under a reference to
/// `directory_ref`: the folder itself, or under `-srd` its children in its place.
pub fn place_root(doc: &mut Document, root: NodeId, directory_ref: &str, suppress_root: bool) {
    let fragment = doc.create_child(doc.root(), "Fragment");
    let reference = directory_reference(doc, fragment, directory_ref);
    if suppress_root {
        for child in doc.take_children(root) {
            doc.append(reference, child);
        }
    } else {
        doc.append(reference, root);
    }
}

/// Whether an element is a reference to a directory (`DirectoryRef` or `StandardDirectory`).
pub fn is_directory_reference(name: &str) -> bool {
    name == "DirectoryRef" || name == "StandardDirectory"
}
