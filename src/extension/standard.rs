//! The standard extension: heat's `dir`, `file`, `reg` and `payload` harvest types, heat's
//! options (heat's `UtilHeatExtension`, and the core's `-ext`), and [`StandardOptions`], those
//! options read once for every extension.

use std::path::PathBuf;
use std::time::Duration;

use super::{Configure, Extension, HarvestType, OptionSpec, Options, Parameter};
use crate::error::{codes, Error, Messages, Result};
use crate::harvest::filter::PathFilter;
use crate::harvest::walk::{Skip, WalkOptions};
use crate::harvest::{
    DirHarvester, FileHarvester, PayloadFinalizeMutator, PayloadHarvester, RegHarvester, TreeShape,
};
use crate::mutate::external::{heat_assembly, parse_timeout, ExternalMutator, DEFAULT_TIMEOUT};
use crate::mutate::xslt::{self, TransformMutator};
use crate::mutate::{FinalizeMutator, GuidMode, MainMutator, Template};
use crate::patch;
use crate::pipeline::sequence;

/// heat's own harvest types and options.
#[derive(Debug, Default, Clone, Copy)]
pub struct StandardExtension;

/// heat's options, as declared by heat's `UtilHeatExtension` (and, for `-ext`, heat itself),
/// with this tool's additions.
pub(crate) mod opt {
    use crate::extension::{Flag, Parameter};

    pub const AG: Flag = Flag::new(
        "ag",
        "autogenerate component guids at compile time (Guid=\"*\")",
    );
    pub const CG: Parameter = Parameter::text(
        "cg",
        "<ComponentGroupName>",
        "component group name (cannot contain spaces)",
    );
    pub const DR: Parameter = Parameter::text(
        "dr",
        "<DirectoryName>",
        "directory reference to root directories (default TARGETDIR)",
    );
    pub const VAR: Parameter = Parameter::text(
        "var",
        "<VariableName>",
        "substitute File/@Source=\"SourceDir\" with a preprocessor (var.X) or wix (wix.X) variable",
    );
    pub const GG: Flag = Flag::new(
        "gg",
        "generate guids now: derived from the install location, the same on every run",
    );
    pub const G1: Flag = Flag::new("g1", "generated guids are not in brackets");
    pub const KE: Flag = Flag::new("ke", "keep empty directories");
    pub const SCOM: Flag = Flag::new(
        "scom",
        "suppress COM elements (COM is never harvested here: it needs Windows)",
    );
    pub const SFRAG: Flag = Flag::new("sfrag", "suppress fragments");
    pub const SRD: Flag = Flag::new(
        "srd",
        "suppress harvesting the root directory as an element",
    );
    pub const SVB6: Flag = Flag::new(
        "svb6",
        "suppress VB6 COM elements (never harvested here: it needs Windows)",
    );
    pub const SREG: Flag = Flag::new(
        "sreg",
        "suppress registry harvesting (self-registration is never harvested here: it needs Windows)",
    );
    pub const SUID: Flag = Flag::new(
        "suid",
        "suppress unique identifiers for files, components, & directories",
    );
    pub const TEMPLATE: Parameter = Parameter::text(
        "template",
        "<type>",
        "use template, one of: fragment, module, product",
    )
    .with_values(&["fragment", "module", "product"]);
    pub const PATHSEP: Parameter = Parameter::text(
        "pathsep",
        "<\\|/>",
        "separator written in File/@Source (default \\; wixl on Linux needs /)",
    )
    .with_values(&["\\", "/"]);
    pub const FOLLOWLINKS: Flag = Flag::new(
        "followlinks",
        "follow links to folders (loops are detected and left out)",
    );
    pub const SKIP: Parameter = Parameter::text(
        "skip",
        "<kinds>",
        "leave out, with a warning, entries that would fail the harvest: names, unicode, case, special, dangling or all",
    )
    .with_values(&["names", "unicode", "case", "special", "dangling", "all"]);
    pub const INCLUDE: Parameter = Parameter::text(
        "include",
        "<glob>",
        "harvest only files matching the glob, e.g. **/*.dll (repeatable)",
    );
    pub const EXCLUDE: Parameter = Parameter::text(
        "exclude",
        "<glob>",
        "leave out files and folders matching the glob, e.g. **/*.pdb (repeatable)",
    );
    pub const GLOBCASE: Flag = Flag::new(
        "globcase",
        "match -include and -exclude case-sensitively (default: ignore case)",
    );
    pub const GENERATE: Parameter = Parameter::text(
        "generate",
        "<type>",
        "what dir generates: components (default) or payloadgroup",
    )
    .with_values(&["components", "payloadgroup"]);
    pub const T: Parameter = Parameter::input(
        "t",
        "<xsl>",
        "transform the output with an XSLT 1.0 stylesheet (repeatable, in order)",
    );
    pub const EXT: Parameter = Parameter::text(
        "ext",
        "<command line>",
        "run a program as a mutator: the .wxs on its standard input, the changed .wxs on its \
         standard output (repeatable, run in order; heat.exe's -ext loaded a .NET assembly)",
    );
    pub const EXTTIMEOUT: Parameter = Parameter::text(
        "exttimeout",
        "<seconds>",
        "stop an -ext program still running after this long (default 60)",
    );
    pub const XSLTTIMEOUT: Parameter = Parameter::text(
        "xslttimeout",
        "<seconds>",
        "stop a -t transform still running after this long (default 60)",
    );
    pub const UPDATE: Parameter = Parameter::input(
        "update",
        "<previous.wxs>",
        "keep the ids, GUIDs and groups of every file already in the previous harvest",
    );
    pub const KEEPREMOVED: Flag = Flag::new(
        "keepremoved",
        "with -update: keep removed files as leftovers a patch removes (transitive, false condition)",
    );
    pub const UPDATEREPORT: Parameter = Parameter::output(
        "updatereport",
        "<file.json>",
        "with -update: also write the update report as JSON (- for standard output)",
    );
    pub const CGSPLIT: Parameter = Parameter::text(
        "cgsplit",
        "<N>",
        "split the -cg group into N groups <name>_1..<name>_N by a stable hash of install location",
    );

    /// The switches heat's `VSHeatExtension` declares for its `project` harvest (which needs
    /// MSBuild and Visual Studio's project system, and is not offered here). heat reads them
    /// only for `project` and ignores them for every other type; so does this tool, so that
    /// command lines carrying them run, and their values are never taken for the source.
    pub const PROJECT: [Parameter; 6] = [
        Parameter::text(
            "configuration",
            "<name>",
            "heat's project harvest: configuration (ignored here)",
        ),
        Parameter::text(
            "directoryid",
            "<id>",
            "heat's project harvest: directory id (ignored here)",
        ),
        Parameter::text(
            "msbuildbinpath",
            "<path>",
            "heat's project harvest: MSBuild folder (ignored here)",
        ),
        Parameter::text(
            "platform",
            "<name>",
            "heat's project harvest: platform (ignored here)",
        ),
        Parameter::text(
            "pog",
            "<group>",
            "heat's project harvest: project output group (ignored here)",
        ),
        Parameter::text(
            "projectname",
            "<name>",
            "heat's project harvest: project name (ignored here)",
        ),
    ];
    pub const PROJECT_FLAGS: [Flag; 2] = [
        Flag::new(
            "usetoolsversion",
            "heat's project harvest: MSBuild tools version (ignored here)",
        ),
        Flag::new(
            "wixvar",
            "heat's project harvest: binder variables (ignored here)",
        ),
    ];
}

/// heat's harvest types that this tool does not offer, each with why and what to do instead.
pub(crate) const UNAVAILABLE_TYPES: &[(&str, &str)] = &[
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

/// `-update` and the options that go with it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UpdateSettings {
    /// `-update`: the previous harvest, as named on the command line.
    pub previous: String,
    /// `-keepremoved`.
    pub keep_removed: bool,
    /// `-updatereport`: where to write the report as JSON (`-` for standard output).
    pub report: Option<PathBuf>,
}

/// heat's options, read once from the command line for every extension: what shapes a harvest
/// and what heat's mutators do with it.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StandardOptions {
    /// `-dr`, `-srd`, `-ke`, `-suid`: how a harvest of folders is shaped.
    pub shape: TreeShape,
    /// `-followlinks`, `-skip`, `-include`, `-exclude`, `-globcase`: how a folder is walked.
    pub walk: WalkOptions,
    /// `-cg`.
    pub component_group: Option<String>,
    /// Fragments (`-sfrag` turns them off).
    pub fragments: bool,
    /// `-ag`, `-gg`, `-g1`.
    pub guids: GuidMode,
    /// `-template`.
    pub template: Template,
    /// `-var`.
    pub source_variable: Option<String>,
    /// `-pathsep`: the separator written in `Source`.
    pub path_separator: char,
    /// `heat payload`, or `-generate payloadgroup`.
    pub payloads: bool,
    /// `-t`, in order.
    pub transforms: Vec<PathBuf>,
    /// `-ext`, in order.
    pub programs: Vec<String>,
    /// `-exttimeout`.
    pub program_timeout: Duration,
    /// `-xslttimeout`.
    pub transform_timeout: Duration,
    /// `-update` and what goes with it.
    pub update: Option<UpdateSettings>,
    /// `-cgsplit`.
    pub split_groups: Option<u32>,
}

impl Default for StandardOptions {
    fn default() -> Self {
        StandardOptions {
            shape: TreeShape::default(),
            walk: WalkOptions::default(),
            component_group: None,
            fragments: true,
            guids: GuidMode::Placeholder,
            template: Template::Fragment,
            source_variable: None,
            path_separator: '\\',
            payloads: false,
            transforms: Vec::new(),
            programs: Vec::new(),
            program_timeout: DEFAULT_TIMEOUT,
            transform_timeout: xslt::DEFAULT_TIMEOUT,
            update: None,
            split_groups: None,
        }
    }
}

fn single_word(option: &Parameter, value: &str) -> Result<()> {
    if value.contains(' ') {
        return Err(Error::new(
            codes::SPACES_NOT_ALLOWED,
            format!(
                "The switch '-{}' does not allow spaces in its value. Please remove the spaces from the value: {value}",
                option.name()
            ),
        ));
    }
    Ok(())
}

impl StandardOptions {
    /// Reads heat's options of a run of `harvest_type` (warnings, such as for a template heat
    /// does not know, go to `messages`).
    pub fn parse(
        harvest_type: &str,
        options: &Options,
        messages: &mut Messages,
    ) -> Result<StandardOptions> {
        for o in [&opt::CG, &opt::DR, &opt::VAR] {
            if let Some(v) = options.value(o) {
                single_word(o, v)?;
            }
        }
        let mut skip = Skip::default();
        for list in options.values(&opt::SKIP) {
            skip.add(list)?;
        }
        let keep_empty = options.flag(&opt::KE);
        let walk = WalkOptions {
            follow_folder_links: options.flag(&opt::FOLLOWLINKS),
            skip,
            filter: PathFilter::new(
                options.values(&opt::INCLUDE),
                options.values(&opt::EXCLUDE),
                options.flag(&opt::GLOBCASE),
            )?,
            drop_empty: !keep_empty,
        };
        let payloads = match (harvest_type, options.value(&opt::GENERATE)) {
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
            // heat v4 ignores -generate for other harvest types ("TODO: error").
            (t, _) => t == "payload",
        };
        let template = match options.value(&opt::TEMPLATE) {
            None | Some("fragment") => Template::Fragment,
            Some("module") => Template::Module,
            Some("product") | Some("package") => Template::Product,
            Some(other) => {
                // heat ignores a template it does not know (UtilHeatExtension: "TODO: error")
                // and writes fragments.
                messages.warn(
                    codes::UNKNOWN_TEMPLATE,
                    format!(
                        "The template '{other}' is not one of fragment, module or product{}; \
                         fragments are written, as heat writes them.",
                        crate::error::did_you_mean(other, ["fragment", "module", "product"])
                    ),
                );
                Template::Fragment
            }
        };
        let guids = if options.flag(&opt::AG) {
            GuidMode::Auto
        } else if options.flag(&opt::GG) {
            GuidMode::Generate {
                braces: !options.flag(&opt::G1),
            }
        } else {
            GuidMode::Placeholder
        };
        let path_separator = match options.value(&opt::PATHSEP) {
            None | Some("\\") => '\\',
            Some("/") => '/',
            Some(other) => {
                return Err(Error::new(
                    codes::COMMAND_LINE,
                    format!("Unknown path separator '{other}': use / or \\."),
                ))
            }
        };
        let program_timeout = match options.value(&opt::EXTTIMEOUT) {
            None => DEFAULT_TIMEOUT,
            Some(v) => parse_timeout(v)?,
        };
        let transform_timeout = match options.value(&opt::XSLTTIMEOUT) {
            None => xslt::DEFAULT_TIMEOUT,
            Some(v) => xslt::parse_timeout(v)?,
        };
        let component_group = options.value(&opt::CG).map(str::to_owned);
        let split_groups = match options.value(&opt::CGSPLIT) {
            None => None,
            Some(n) => {
                let parts: u32 = n
                    .parse()
                    .ok()
                    .filter(|p| (1..=1000).contains(p))
                    .ok_or_else(|| {
                        Error::new(
                            codes::COMMAND_LINE,
                            format!("-cgsplit needs a number of groups from 1 to 1000, not '{n}'."),
                        )
                    })?;
                if component_group.is_none() {
                    return Err(Error::new(
                        codes::COMMAND_LINE,
                        "-cgsplit splits the component group: give its name with -cg <name>.",
                    ));
                }
                Some(parts)
            }
        };
        let update = match options.value(&opt::UPDATE) {
            Some(previous) => Some(UpdateSettings {
                previous: previous.to_owned(),
                keep_removed: options.flag(&opt::KEEPREMOVED),
                report: options.value(&opt::UPDATEREPORT).map(Into::into),
            }),
            None => {
                if options.flag(&opt::KEEPREMOVED) {
                    return Err(goes_with_update("keepremoved"));
                }
                if options.value(&opt::UPDATEREPORT).is_some() {
                    return Err(goes_with_update("updatereport"));
                }
                None
            }
        };
        Ok(StandardOptions {
            shape: TreeShape {
                directory_ref: options.value(&opt::DR).unwrap_or("TARGETDIR").to_owned(),
                suppress_root: options.flag(&opt::SRD),
                keep_empty,
                unique_ids: !options.flag(&opt::SUID),
            },
            walk,
            component_group,
            fragments: !options.flag(&opt::SFRAG),
            guids,
            template,
            source_variable: options.value(&opt::VAR).map(str::to_owned),
            path_separator,
            payloads,
            transforms: options.values(&opt::T).map(PathBuf::from).collect(),
            programs: options.values(&opt::EXT).map(str::to_owned).collect(),
            program_timeout,
            transform_timeout,
            update,
            split_groups,
        })
    }
}

fn goes_with_update(option: &str) -> Error {
    Error::new(
        codes::COMMAND_LINE,
        format!("-{option} goes with -update <previous.wxs>."),
    )
}

impl Extension for StandardExtension {
    fn name(&self) -> &str {
        "standard"
    }

    fn harvest_types(&self) -> Vec<HarvestType> {
        vec![
            HarvestType::new("dir", "harvest a directory"),
            HarvestType::new("file", "harvest a file"),
            HarvestType::new("reg", "harvest a .reg file"),
            HarvestType::new(
                "payload",
                "harvest a folder as bundle payloads (a PayloadGroup)",
            ),
        ]
    }

    fn options(&self) -> Vec<OptionSpec> {
        let flags = [
            opt::AG,
            opt::GG,
            opt::G1,
            opt::KE,
            opt::SCOM,
            opt::SFRAG,
            opt::SRD,
            opt::SVB6,
            opt::SREG,
            opt::SUID,
            opt::FOLLOWLINKS,
            opt::GLOBCASE,
            opt::KEEPREMOVED,
        ];
        let parameters = [
            opt::CG,
            opt::DR,
            opt::VAR,
            opt::TEMPLATE,
            opt::PATHSEP,
            opt::SKIP,
            opt::INCLUDE,
            opt::EXCLUDE,
            opt::GENERATE,
            opt::T,
            opt::EXT,
            opt::EXTTIMEOUT,
            opt::XSLTTIMEOUT,
            opt::UPDATE,
            opt::UPDATEREPORT,
            opt::CGSPLIT,
        ];
        flags
            .into_iter()
            .chain(opt::PROJECT_FLAGS)
            .map(OptionSpec::from)
            .chain(
                parameters
                    .into_iter()
                    .chain(opt::PROJECT)
                    .map(OptionSpec::from),
            )
            .collect()
    }

    fn configure(&self, run: &mut Configure<'_>) -> Result<()> {
        // -scom, -sreg and -svb6 suppress what needs Windows to harvest (COM, self-registration),
        // which is never harvested here: as heat on a harvest that needed none, they change
        // nothing and say nothing.
        let o = run.standard().clone();
        match run.harvest_type() {
            "dir" | "payload" if o.payloads => run.set_harvester(PayloadHarvester {
                group_id: o.shape.directory_ref.clone(),
                walk: o.walk.clone(),
            }),
            "dir" => run.set_harvester(DirHarvester::new(o.shape.clone(), o.walk.clone())),
            "file" => run.set_harvester(FileHarvester::new(o.shape.clone())),
            "reg" => run.set_harvester(RegHarvester {
                directory_ref: o.shape.directory_ref.clone(),
            }),
            _ => {}
        }
        run.add_mutator(MainMutator {
            component_group: o.component_group.clone(),
            fragments: o.fragments,
            guids: o.guids,
            unique_ids: o.shape.unique_ids,
            template: o.template,
        });
        run.add_mutator(FinalizeMutator {
            source_variable: o.source_variable.clone(),
            path_separator: o.path_separator,
        });
        if o.payloads {
            run.add_mutator(PayloadFinalizeMutator {
                source_variable: o.source_variable.clone(),
                path_separator: o.path_separator,
            });
        }
        for (i, stylesheet) in o.transforms.iter().enumerate() {
            run.add_text_mutator(
                TransformMutator::new(stylesheet, i)?.with_timeout(o.transform_timeout),
            );
        }
        let mut n = 0;
        for line in &o.programs {
            if heat_assembly(line, run.context())?.is_some() {
                continue;
            }
            let m = ExternalMutator::new(line)?
                .with_timeout(o.program_timeout)
                .with_sequence(sequence::EXTERNAL.saturating_add(n));
            run.add_text_mutator(m);
            n += 1;
        }
        // The 1600-components warning, -cgsplit and -update.
        run.add_mutator(patch::GroupLimitMutator);
        if let (Some(parts), Some(group)) = (o.split_groups, &o.component_group) {
            run.add_mutator(patch::SplitGroupMutator {
                group: group.clone(),
                parts,
            });
        }
        if let Some(u) = &o.update {
            let (ids, groups) = patch::update_mutators(
                &u.previous,
                patch::UpdateOptions {
                    keep_removed: u.keep_removed,
                    report: u.report.clone(),
                },
            )?;
            run.add_mutator(ids);
            run.add_mutator(groups);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values an option declares for completions are those its help names.
    #[test]
    fn declared_values_are_named_in_the_help() {
        let options = StandardExtension.options();
        let with_values: Vec<_> = options.iter().filter(|o| !o.values().is_empty()).collect();
        assert_eq!(with_values.len(), 4, "{with_values:?}");
        for o in with_values {
            for v in o.values() {
                assert!(
                    o.help().contains(v),
                    "-{}: {v} not in '{}'",
                    o.name(),
                    o.help()
                );
            }
        }
    }
}
