//! The standard extension: heat's `dir`, `file`, `reg` and `payload` harvest types and their
//! options (heat's `UtilHeatExtension`). It uses only the public extension API.

use crate::error::{codes, Error, Result};
use crate::extension::{Context, Extension, HarvestType, OptionSpec, Options, Setup};
use crate::filter::PathFilter;
use crate::harvest::{
    DirHarvester, FileHarvester, PayloadFinalizeMutator, PayloadHarvester, RegHarvester,
};
use crate::mutate::{FinalizeMutator, GuidMode, MainMutator, Template};
use crate::walk::{Skip, WalkOptions};
use crate::xslt::TransformMutator;

/// heat's own harvest types and options.
#[derive(Debug, Default, Clone, Copy)]
pub struct StandardExtension;

const OPTIONS: &[OptionSpec] = &[
    OptionSpec::flag(
        "ag",
        "autogenerate component guids at compile time (Guid=\"*\")",
    ),
    OptionSpec::value(
        "cg",
        "<ComponentGroupName>",
        "component group name (cannot contain spaces)",
    ),
    OptionSpec::value(
        "dr",
        "<DirectoryName>",
        "directory reference to root directories (default TARGETDIR)",
    ),
    OptionSpec::value(
        "var",
        "<VariableName>",
        "substitute File/@Source=\"SourceDir\" with a preprocessor (var.X) or wix (wix.X) variable",
    ),
    OptionSpec::flag(
        "gg",
        "generate guids now: derived from the install location, the same on every run",
    ),
    OptionSpec::flag("g1", "generated guids are not in brackets"),
    OptionSpec::flag("ke", "keep empty directories"),
    OptionSpec::flag(
        "scom",
        "suppress COM elements (COM is never harvested here: it needs Windows)",
    ),
    OptionSpec::flag("sfrag", "suppress fragments"),
    OptionSpec::flag(
        "srd",
        "suppress harvesting the root directory as an element",
    ),
    OptionSpec::flag(
        "svb6",
        "suppress VB6 COM elements (never harvested here: it needs Windows)",
    ),
    OptionSpec::flag(
        "sreg",
        "suppress registry harvesting (self-registration is never harvested here: it needs Windows)",
    ),
    OptionSpec::flag(
        "suid",
        "suppress unique identifiers for files, components, & directories",
    ),
    OptionSpec::value(
        "template",
        "<type>",
        "use template, one of: fragment, module, product",
    ),
    OptionSpec::value(
        "pathsep",
        "<\\|/>",
        "separator written in File/@Source (default \\; wixl on Linux needs /)",
    ),
    OptionSpec::flag(
        "followlinks",
        "follow links to folders (loops are detected and left out)",
    ),
    OptionSpec::value(
        "skip",
        "<kinds>",
        "leave out, with a warning, entries that would fail the harvest: names, unicode, case, special, dangling or all",
    ),
    OptionSpec::value(
        "include",
        "<glob>",
        "harvest only files matching the glob, e.g. **/*.dll (repeatable)",
    ),
    OptionSpec::value(
        "exclude",
        "<glob>",
        "leave out files and folders matching the glob, e.g. **/*.pdb (repeatable)",
    ),
    OptionSpec::flag(
        "globcase",
        "match -include and -exclude case-sensitively (default: ignore case)",
    ),
    OptionSpec::value(
        "generate",
        "<type>",
        "what dir generates: components (default) or payloadgroup",
    ),
    OptionSpec::input(
        "t",
        "<xsl>",
        "transform the output with an XSLT 1.0 stylesheet (repeatable, in order)",
    ),
];

/// The switches heat's `VSHeatExtension` declares for its `project` harvest (which needs
/// MSBuild and Visual Studio's project system, and is not offered here). heat reads them only
/// for `project` and ignores them for every other type; so does this tool, so that command
/// lines carrying them run, and their values are never taken for the source.
const PROJECT_OPTIONS: &[OptionSpec] = &[
    OptionSpec::value(
        "configuration",
        "<name>",
        "heat's project harvest: configuration (ignored here)",
    ),
    OptionSpec::value(
        "directoryid",
        "<id>",
        "heat's project harvest: directory id (ignored here)",
    ),
    OptionSpec::value(
        "msbuildbinpath",
        "<path>",
        "heat's project harvest: MSBuild folder (ignored here)",
    ),
    OptionSpec::value(
        "platform",
        "<name>",
        "heat's project harvest: platform (ignored here)",
    ),
    OptionSpec::value(
        "pog",
        "<group>",
        "heat's project harvest: project output group (ignored here)",
    ),
    OptionSpec::value(
        "projectname",
        "<name>",
        "heat's project harvest: project name (ignored here)",
    ),
    OptionSpec::flag(
        "usetoolsversion",
        "heat's project harvest: MSBuild tools version (ignored here)",
    ),
    OptionSpec::flag(
        "wixvar",
        "heat's project harvest: binder variables (ignored here)",
    ),
];

/// heat's harvest types that this tool does not offer, each with why and what to do instead.
pub const UNAVAILABLE_TYPES: &[(&str, &str)] = &[
    (
        "project",
        "heat's project harvest reads a Visual Studio project through MSBuild on Windows; \
         build the project and harvest its output folder with 'heat dir' instead",
    ),
    (
        "perf",
        "heat's perf harvest reads performance counter categories from the running Windows \
         system; author the PerformanceCategory elements by hand",
    ),
    (
        "website",
        "heat's website harvest reads an IIS web site from the running Windows system; \
         harvest the site's folder with 'heat dir' and author the IIS elements by hand",
    ),
];

/// The walk's options as the standard extension reads them for `dir`: `-followlinks`,
/// `-skip <kinds>` and `-include`/`-exclude`/`-globcase`. An extension with a harvester of its
/// own that walks a folder can read them the same way.
pub fn walk_options(options: &Options) -> Result<WalkOptions> {
    let mut skip = Skip::default();
    for list in options.values("skip") {
        skip.add(list)?;
    }
    Ok(WalkOptions {
        follow_folder_links: options.flag("followlinks"),
        skip,
        filter: PathFilter::new(
            options.values("include"),
            options.values("exclude"),
            options.flag("globcase"),
        )?,
        drop_empty: !options.flag("ke"),
    })
}

fn single_word(option: &str, value: &str) -> Result<()> {
    if value.contains(' ') {
        return Err(Error::new(
            codes::SPACES_NOT_ALLOWED,
            format!(
                "The switch '-{option}' does not allow spaces in its value. Please remove the spaces from the value: {value}"
            ),
        ));
    }
    Ok(())
}

impl Extension for StandardExtension {
    fn name(&self) -> &str {
        "standard"
    }

    fn harvest_types(&self) -> Vec<HarvestType> {
        vec![
            HarvestType {
                name: "dir",
                help: "harvest a directory",
            },
            HarvestType {
                name: "file",
                help: "harvest a file",
            },
            HarvestType {
                name: "reg",
                help: "harvest a .reg file",
            },
            HarvestType {
                name: "payload",
                help: "harvest a folder as bundle payloads (a PayloadGroup)",
            },
        ]
    }

    fn options(&self) -> Vec<OptionSpec> {
        let mut all = OPTIONS.to_vec();
        all.extend_from_slice(PROJECT_OPTIONS);
        all.extend_from_slice(crate::patch::OPTIONS);
        all
    }

    fn configure(
        &self,
        cx: &mut Context,
        harvest_type: &str,
        options: &Options,
        setup: &mut Setup,
    ) -> Result<()> {
        for name in ["cg", "dr", "var"] {
            if let Some(v) = options.value(name) {
                single_word(name, v)?;
            }
        }
        // -scom, -sreg and -svb6 suppress what needs Windows to harvest (COM, self-registration),
        // which is never harvested here: as heat on a harvest that needed none, they change
        // nothing and say nothing.
        let dr = options.value("dr").unwrap_or("TARGETDIR").to_owned();
        let unique_ids = !options.flag("suid");
        let walk = || walk_options(options);
        let payloads = match (harvest_type, options.value("generate")) {
            ("dir" | "payload", Some(g)) if g.eq_ignore_ascii_case("payloadgroup") => true,
            ("dir", Some(g)) if g.eq_ignore_ascii_case("components") => false,
            ("dir" | "payload", Some(g)) => {
                return Err(Error::new(
                    codes::INVALID_OUTPUT_TYPE,
                    format!(
                        "Invalid generated type: {g}. Must be one of: components, payloadgroup."
                    ),
                ))
            }
            (t, _) => t == "payload",
        };
        match harvest_type {
            "dir" | "payload" if payloads => setup.set_harvester(Box::new(PayloadHarvester {
                group_id: dr,
                walk: walk()?,
            })),
            "dir" => setup.set_harvester(Box::new(DirHarvester {
                directory_ref: dr,
                suppress_root: options.flag("srd"),
                keep_empty: options.flag("ke"),
                unique_ids,
                walk: walk()?,
            })),
            "file" => setup.set_harvester(Box::new(FileHarvester {
                directory_ref: dr,
                suppress_root: options.flag("srd"),
                unique_ids,
            })),
            "reg" => setup.set_harvester(Box::new(RegHarvester { directory_ref: dr })),
            _ => {}
        }

        let template = match options.value("template") {
            None | Some("fragment") => Template::Fragment,
            Some("module") => Template::Module,
            Some("product") | Some("package") => Template::Product,
            Some(other) => {
                // heat ignores a template it does not know (UtilHeatExtension: "TODO: error")
                // and writes fragments.
                cx.messages.warn(
                    codes::UNKNOWN_TEMPLATE,
                    format!(
                        "The template '{other}' is not one of fragment, module or product{}; \
                         fragments are written, as heat writes them.",
                        crate::tool::args::did_you_mean(other, ["fragment", "module", "product"])
                    ),
                );
                Template::Fragment
            }
        };
        let guids = if options.flag("ag") {
            GuidMode::Auto
        } else if options.flag("gg") {
            GuidMode::Generate {
                braces: !options.flag("g1"),
            }
        } else {
            GuidMode::Placeholder
        };
        setup.add_mutator(Box::new(MainMutator {
            component_group: options.value("cg").map(str::to_owned),
            fragments: !options.flag("sfrag"),
            guids,
            unique_ids,
            template,
        }));
        let path_separator = match options.value("pathsep") {
            None | Some("\\") => '\\',
            Some("/") => '/',
            Some(other) => {
                return Err(Error::new(
                    codes::COMMAND_LINE,
                    format!("Unknown path separator '{other}': use / or \\."),
                ))
            }
        };
        setup.add_mutator(Box::new(FinalizeMutator {
            source_variable: options.value("var").map(str::to_owned),
            path_separator,
        }));
        if payloads {
            setup.add_mutator(Box::new(PayloadFinalizeMutator {
                source_variable: options.value("var").map(str::to_owned),
                path_separator,
            }));
        }
        for (i, stylesheet) in options.values("t").enumerate() {
            setup.add_mutator(Box::new(TransformMutator::new(stylesheet, i)?));
        }
        // -update, -cgsplit and the 1600-components warning.
        crate::patch::configure(cx, options, setup)
    }
}
