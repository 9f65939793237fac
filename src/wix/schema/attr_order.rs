//! Generated from `testdata/schemas/wix3.xsd` (WiX v3.14.1) and `testdata/schemas/wix4.xsd`
//! (WiX v6.0.2) by `tests/suite/schema_tables.rs`
//! (`SNAPSHOTS=overwrite cargo test --test suite schema_tables`); do not edit.
//!
//! For each element heat writes: its attributes in the order the schema declares them,
//! which is the order heat's serializer writes them in.

/// Attribute order per element in the v3 schema.
#[rustfmt::skip]
pub(crate) const V3: &[(&str, &[&str])] = &[
    ("Wix", &["RequiredVersion"]),
    ("Payload", &["Id", "Compressed", "SourceFile", "Name", "DownloadUrl", "SuppressSignatureVerification"]),
    ("PayloadGroup", &["Id"]),
    ("PayloadGroupRef", &["Id"]),
    ("Product", &["Id", "Codepage", "Language", "Manufacturer", "Name", "UpgradeCode", "Version"]),
    ("Module", &["Id", "Codepage", "Guid", "Language", "Version"]),
    ("Fragment", &["Id"]),
    ("Package", &["Id", "AdminImage", "Comments", "Compressed", "Description", "InstallPrivileges", "InstallScope", "InstallerVersion", "Keywords", "Languages", "Manufacturer", "Platforms", "Platform", "ReadOnly", "ShortNames", "SummaryCodepage"]),
    ("Property", &["Id", "Value", "ComplianceCheck", "Admin", "Secure", "Hidden", "SuppressModularization"]),
    ("File", &["Id", "CompanionFile", "Name", "LongName", "KeyPath", "ShortName", "ReadOnly", "Hidden", "System", "Vital", "Checksum", "Compressed", "BindPath", "SelfRegCost", "TrueType", "FontTitle", "DefaultLanguage", "DefaultSize", "DefaultVersion", "Assembly", "AssemblyManifest", "AssemblyApplication", "ProcessorArchitecture", "DiskId", "Source", "src", "PatchGroup", "PatchIgnore", "PatchAllowIgnoreOnError", "PatchWholeFile"]),
    ("MultiStringValue", &[]),
    ("RegistryKey", &["Id", "Action", "ForceCreateOnInstall", "ForceDeleteOnUninstall", "Key", "Root"]),
    ("RegistryValue", &["Id", "Root", "Key", "Name", "Value", "Type", "Action", "KeyPath"]),
    ("RemoveRegistryKey", &["Id", "Action", "Key", "Root"]),
    ("RemoveRegistryValue", &["Id", "Key", "Name", "Root"]),
    ("RemoveFile", &["Id", "Directory", "Property", "Name", "LongName", "ShortName", "On"]),
    ("RemoveFolder", &["Id", "Directory", "Property", "On"]),
    ("CreateFolder", &["Directory"]),
    ("Condition", &["Action", "Level", "Message"]),
    ("Component", &["Id", "ComPlusFlags", "DisableRegistryReflection", "Directory", "DiskId", "Feature", "Guid", "KeyPath", "Location", "MultiInstance", "NeverOverwrite", "Permanent", "Shared", "SharedDllRefCount", "Transitive", "UninstallWhenSuperseded", "Win64"]),
    ("ComponentGroup", &["Id", "Directory", "Source"]),
    ("ComponentGroupRef", &["Id", "Primary"]),
    ("ComponentRef", &["Id", "Primary"]),
    ("Directory", &["Id", "ComponentGuidGenerationSeed", "DiskId", "FileSource", "LongName", "LongSource", "Name", "ShortName", "ShortSourceName", "SourceName", "src"]),
    ("DirectoryRef", &["Id", "DiskId", "FileSource", "src"]),
    ("Feature", &["Id", "Absent", "AllowAdvertise", "ConfigurableDirectory", "Description", "Display", "InstallDefault", "Level", "Title", "TypicalDefault"]),
    ("FeatureRef", &["Id", "IgnoreParent"]),
    ("Media", &["Id", "Cabinet", "CompressionLevel", "DiskPrompt", "EmbedCab", "Layout", "src", "VolumeLabel", "Source"]),
    ("MediaTemplate", &["CabinetTemplate", "CompressionLevel", "DiskPrompt", "EmbedCab", "VolumeLabel", "MaximumUncompressedMediaSize", "MaximumCabinetSizeForLargeFileSplitting"]),
];

/// Attribute order per element in the v4 schema.
#[rustfmt::skip]
pub(crate) const V4: &[(&str, &[&str])] = &[
    ("Wix", &["RequiredVersion"]),
    ("Payload", &["Id", "CertificatePublicKey", "CertificateThumbprint", "Compressed", "Hash", "Size", "SourceFile", "Name", "DownloadUrl"]),
    ("PayloadGroup", &["Id"]),
    ("PayloadGroupRef", &["Id"]),
    ("Package", &["Codepage", "Compressed", "Id", "InstallerVersion", "Language", "Manufacturer", "Name", "ProductCode", "Scope", "ShortNames", "UpgradeCode", "UpgradeStrategy", "Version"]),
    ("Module", &["Id", "Codepage", "Guid", "InstallerVersion", "Language", "Version"]),
    ("Fragment", &["Id"]),
    ("SummaryInformation", &["Codepage", "Comments", "Description", "Keywords", "Manufacturer"]),
    ("Property", &["Id", "Value", "ComplianceCheck", "Admin", "Secure", "Hidden", "SuppressModularization"]),
    ("File", &["Id", "Bitness", "CompanionFile", "Condition", "Directory", "Subdirectory", "Name", "KeyPath", "ShortName", "ReadOnly", "Hidden", "System", "Vital", "Checksum", "Compressed", "BindPath", "SelfRegCost", "TrueType", "FontTitle", "DefaultLanguage", "DefaultSize", "DefaultVersion", "Assembly", "AssemblyManifest", "AssemblyApplication", "ProcessorArchitecture", "DiskId", "Source", "PatchGroup", "PatchIgnore", "PatchAllowIgnoreOnError", "PatchWholeFile"]),
    ("MultiStringValue", &["Value"]),
    ("RegistryKey", &["Id", "Action", "ForceCreateOnInstall", "ForceDeleteOnUninstall", "Key", "Root"]),
    ("RegistryValue", &["Id", "Root", "Key", "Name", "Value", "Type", "Action", "KeyPath"]),
    ("RemoveRegistryKey", &["Id", "Action", "Key", "Root"]),
    ("RemoveRegistryValue", &["Id", "Key", "Name", "Root"]),
    ("RemoveFile", &["Id", "Directory", "Property", "Name", "ShortName", "On", "Subdirectory"]),
    ("RemoveFolder", &["Id", "Directory", "Property", "On", "Subdirectory"]),
    ("CreateFolder", &["Directory", "Subdirectory"]),
    ("Component", &["Id", "ComPlusFlags", "Condition", "DisableRegistryReflection", "Directory", "DiskId", "Feature", "Guid", "KeyPath", "Location", "MultiInstance", "NeverOverwrite", "Permanent", "Shared", "SharedDllRefCount", "Subdirectory", "Transitive", "UninstallWhenSuperseded", "Bitness"]),
    ("ComponentGroup", &["Id", "Directory", "Subdirectory", "Source"]),
    ("ComponentGroupRef", &["Id", "Primary"]),
    ("ComponentRef", &["Id", "Primary"]),
    ("Directory", &["Id", "ComponentGuidGenerationSeed", "DiskId", "FileSource", "Name", "ShortName", "ShortSourceName", "SourceName"]),
    ("DirectoryRef", &["Id", "DiskId", "FileSource"]),
    ("StandardDirectory", &["Id"]),
    ("Feature", &["Id", "AllowAbsent", "AllowAdvertise", "ConfigurableDirectory", "Description", "Display", "InstallDefault", "Level", "Title", "TypicalDefault"]),
    ("FeatureRef", &["Id", "IgnoreParent"]),
    ("Media", &["Id", "Cabinet", "CompressionLevel", "DiskPrompt", "EmbedCab", "Layout", "VolumeLabel", "Source"]),
    ("MediaTemplate", &["CabinetTemplate", "CompressionLevel", "DiskPrompt", "EmbedCab", "VolumeLabel", "MaximumUncompressedMediaSize", "MaximumCabinetSizeForLargeFileSplitting"]),
];
