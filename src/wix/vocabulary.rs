//! The names of heat's directory references: Windows Installer's standard directories, which
//! WiX v4 writes as `StandardDirectory`, and the elements that reference a directory.

use super::{Document, NodeId, Schema};

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

/// Whether an element is a reference to a directory (`DirectoryRef` or `StandardDirectory`).
pub fn is_directory_reference(name: &str) -> bool {
    name == "DirectoryRef" || name == "StandardDirectory"
}

/// How `-var` names a variable in a path: `$(var.X)` for a preprocessor variable, `!(wix.X)`
/// for a WiX variable.
pub(crate) fn variable_reference(variable: &str) -> String {
    if variable.starts_with("wix.") {
        format!("!({variable})")
    } else {
        format!("$({variable})")
    }
}

/// A source path as heat's finalizer leaves it: `SourceDir` at its start replaced by the
/// `-var` reference, if any, and `\` written as `separator`.
pub(crate) fn rewrite_source(source: &str, substitution: Option<&str>, separator: char) -> String {
    let mut source = source.to_owned();
    if let Some(sub) = substitution {
        if source.starts_with("SourceDir\\") {
            source.replace_range(..9, sub);
        }
    }
    if separator != '\\' {
        source = source.replace('\\', &separator.to_string());
    }
    source
}
